// `jinaembed embed --server URL[,URL…]` (issue #17): requests go to a fleet of JinaEmbed servers instead of a local
// model. Each server has a bounded number of requests in flight; a 429/503 leaves that server alone for its
// Retry-After (or an exponential backoff with jitter, whichever is longer) while other servers take the work; a
// connection failure, timeout or other 5xx marks the server unhealthy for a backoff and the request fails over. One
// request gives up after MaxAttempts tries. Vectors travel as base64 float32 (embedding_type "base64"), so they are
// bit-exact to what the server computed.
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.Fleet;

/// <summary>Tries, waits and limits of the fleet client.</summary>
internal sealed record FleetPolicy
{
    /// <summary>Tries of one request (refusals and failures together) before it is given up.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Requests in flight per server.</summary>
    public int InFlightPerServer { get; init; } = 4;

    /// <summary>First backoff after a 429/503; doubles per consecutive refusal of that server, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First pause of a server that failed (connection, timeout, 5xx); doubles per consecutive failure, up to <see cref="MaxUnhealthy"/>.</summary>
    public TimeSpan BaseUnhealthy { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxUnhealthy { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one request may take before the server counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>A request the fleet gave up on: every try was refused or failed.</summary>
internal sealed class FleetUnavailableException(string message) : Exception(message);

/// <summary>A server refused the API key (401/403).</summary>
internal sealed class FleetUnauthorizedException(string message) : Exception(message);

/// <summary>Sends embedding requests to a fleet of servers (see the file comment).</summary>
internal sealed partial class FleetClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _apiKey;
    private readonly FleetPolicy _policy;
    private readonly TextWriter? _log;
    private readonly Lock _gate = new();
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    private FleetClient(IReadOnlyList<FleetServer> servers, string? apiKey, FleetPolicy policy, TextWriter? log)
    {
        Servers = servers;
        _apiKey = apiKey;
        _policy = policy;
        _log = log;
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    public IReadOnlyList<FleetServer> Servers { get; }

    /// <summary>What the servers serve (from the first that answered GET /info).</summary>
    public ServerInfo Info { get; private set; } = null!;

    /// <summary>Requests the whole fleet takes at once.</summary>
    public int Capacity => Servers.Sum(s => s.MaxInFlight);

    /// <summary>
    /// Asks every server for GET /info; servers that do not answer are tried again later. At least one must answer,
    /// and all that answer must serve the same model.
    /// </summary>
    /// <exception cref="FleetUnavailableException">No server answered.</exception>
    /// <exception cref="InvalidDataException">The servers serve different models.</exception>
    public static async Task<FleetClient> ConnectAsync(IReadOnlyList<Uri> addresses, string? apiKey, FleetPolicy policy, TextWriter? log, CancellationToken cancellationToken)
    {
        var client = new FleetClient(addresses.Select(a => new FleetServer(a, policy.InFlightPerServer)).ToList(), apiKey, policy, log);
        try
        {
            var failures = new List<string>();
            foreach (var server in client.Servers)
            {
                try
                {
                    server.Info = await client.FetchInfoAsync(server, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or TimeoutException or JsonException or FleetUnavailableException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    failures.Add($"{server}: {e.Message}");
                    client.MarkFailed(server, $"{server}: {e.Message}");
                }
            }

            var answered = client.Servers.Where(s => s.Info != null).ToList();
            if (answered.Count == 0)
            {
                throw new FleetUnavailableException($"no server answered GET /info: {string.Join("; ", failures)}");
            }

            client.Info = answered[0].Info!;
            foreach (var other in answered.Skip(1))
            {
                client.CheckSameModel(other);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Embeds one request on some server of the fleet, retrying and failing over (see the file comment).</summary>
    /// <exception cref="EmbeddingException">A server refused the request itself (400, 413 for one item): retrying cannot help.</exception>
    /// <exception cref="FleetUnavailableException">Every try was refused or failed.</exception>
    public async Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var body = RequestBody(request);
        string? lastError = null;
        for (var attempt = 1; attempt <= _policy.MaxAttempts; attempt++)
        {
            var server = await AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (server.Info == null)
                {
                    server.Info = await FetchInfoAsync(server, cancellationToken).ConfigureAwait(false);
                    CheckSameModel(server);
                }

                using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseAddress, "v1/embeddings")) { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var result = await ReadResultAsync(response, request, cancellationToken).ConfigureAwait(false);
                    lock (_gate)
                    {
                        server.ConsecutiveFailures = 0;
                    }

                    return result;
                }

                var error = await ErrorMessageAsync(response, cancellationToken).ConfigureAwait(false);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable:
                        lastError = $"{server} answered {(int)response.StatusCode}: {error}";
                        MarkRefused(server, RetryAfter(response.Headers.RetryAfter), lastError);
                        continue;
                    case HttpStatusCode.RequestEntityTooLarge when request.Items.Count > 1 && !request.Options.LateChunking:
                        // Larger than the estimate allowed for: the halves, in order (a deterministic split).
                        return await SplitAsync(request, cancellationToken).ConfigureAwait(false);
                    case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                        throw new FleetUnauthorizedException($"{server} refused the API key ({(int)response.StatusCode}): {error}; pass --api-key or set JINAEMBED_API_KEY.");
                    case >= HttpStatusCode.InternalServerError:
                        lastError = $"{server} answered {(int)response.StatusCode}: {error}";
                        MarkFailed(server, lastError);
                        continue;
                    default:
                        throw new EmbeddingException(KindOf(response.StatusCode), $"{server} refused the request ({(int)response.StatusCode}): {error}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or JsonException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                lastError = $"{server}: {e.Message}";
                MarkFailed(server, lastError);
            }
            finally
            {
                Release(server);
            }
        }

        throw new FleetUnavailableException($"gave up after {_policy.MaxAttempts} tries; the last: {lastError}");
    }

    private async Task<EmbeddingResult> SplitAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var half = request.Items.Count / 2;
        var first = await EmbedAsync(new EmbeddingRequest(request.Items.Take(half).ToList(), request.Options), cancellationToken).ConfigureAwait(false);
        EmbeddingResult second;
        try
        {
            second = await EmbedAsync(new EmbeddingRequest(request.Items.Skip(half).ToList(), request.Options), cancellationToken).ConfigureAwait(false);
        }
        catch (EmbeddingException e)
        {
            // The second half's input[i] is the request's input[half + i].
            throw new EmbeddingException(e.Kind, ItemReference().Replace(e.Message, m => $"input[{half + int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)}]"), e.Param);
        }

        var multi = first.MultiVectors != null ? [.. first.MultiVectors, .. second.MultiVectors!] : (MultiVector[]?)null;
        return new EmbeddingResult([.. first.Embeddings, .. second.Embeddings], multi, first.TokenCount + second.TokenCount, first.QueueTime + second.QueueTime, first.InferenceTime + second.InferenceTime);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        if (_apiKey != null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_policy.RequestTimeout);
        try
        {
            var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {_policy.RequestTimeout.TotalSeconds:0} s");
        }
    }

    private async Task<ServerInfo> FetchInfoAsync(FleetServer server, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "info"));
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new FleetUnauthorizedException($"{server} refused the API key ({(int)response.StatusCode}); pass --api-key or set JINAEMBED_API_KEY.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new FleetUnavailableException($"GET /info answered {(int)response.StatusCode}: {await ErrorMessageAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
        return ParseInfo(json.RootElement);
    }

    /// <summary>The parts of a GET /info body the client uses (api.md "Other routes").</summary>
    internal static ServerInfo ParseInfo(JsonElement root)
    {
        var tasks = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("tasks", out var taskList) && taskList.ValueKind == JsonValueKind.Array)
        {
            foreach (var task in taskList.EnumerateArray())
            {
                tasks[task.GetProperty("name").GetString()!] = task.TryGetProperty("prefix", out var prefix) && prefix.ValueKind == JsonValueKind.String ? prefix.GetString()! : "";
            }
        }

        var limits = root.GetProperty("limits");
        var image = root.TryGetProperty("image", out var i) && i.ValueKind == JsonValueKind.Object ? i : (JsonElement?)null;
        return new ServerInfo(
            root.GetProperty("model").GetString()!,
            tasks,
            root.TryGetProperty("default_task", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
            root.TryGetProperty("multivector_dimensions", out var m) && m.ValueKind == JsonValueKind.Number,
            root.TryGetProperty("modalities", out var modalities) && modalities.EnumerateArray().Any(x => x.GetString() == "image"),
            image is { } im && im.TryGetProperty("max_image_tokens", out var t) ? t.GetInt32() : 0,
            limits.GetProperty("max_items_per_request").GetInt32(),
            limits.GetProperty("max_tokens_per_request").GetInt32(),
            limits.GetProperty("max_request_body_bytes").GetInt64(),
            limits.GetProperty("max_batch_tokens").GetInt32());
    }

    private void CheckSameModel(FleetServer server)
    {
        if (server.Info!.Model != Info.Model)
        {
            throw new InvalidDataException($"{server} serves {server.Info.Model}, {Servers.First(s => s.Info == Info)} serves {Info.Model}: every --server must serve the same model.");
        }
    }

    // A server with a free slot that is not resting; else waits for a slot to free or a rest to end.
    private async Task<FleetServer> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            TimeSpan wait;
            lock (_gate)
            {
                var now = DateTimeOffset.UtcNow;
                FleetServer? best = null;
                for (var k = 0; k < Servers.Count; k++)
                {
                    var server = Servers[(_next + k) % Servers.Count];
                    if (server.AvailableAt <= now && server.InFlight < server.MaxInFlight && (best == null || server.InFlight < best.InFlight))
                    {
                        best = server;
                    }
                }

                if (best != null)
                {
                    best.InFlight++;
                    _next = (_next + 1) % Servers.Count;
                    return best;
                }

                released = _released.Task;
                var resting = Servers.Where(s => s.AvailableAt > now).Select(s => s.AvailableAt - now).ToList();
                wait = resting.Count > 0 ? resting.Min() : Timeout.InfiniteTimeSpan;
            }

            await Task.WhenAny(released, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void Release(FleetServer server)
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            server.InFlight--;
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        released.TrySetResult();
    }

    // 429/503: the server rests for its Retry-After or the backoff, whichever is longer.
    private void MarkRefused(FleetServer server, TimeSpan? retryAfter, string reason)
    {
        TimeSpan rest;
        lock (_gate)
        {
            server.ConsecutiveFailures++;
            var backoff = Jittered(_policy.BaseBackoff, _policy.MaxBackoff, server.ConsecutiveFailures);
            rest = retryAfter is { } r && r > backoff ? r : backoff;
            server.AvailableAt = DateTimeOffset.UtcNow + rest;
        }

        _log?.WriteLine($"warning: {reason}; {server} rests {rest.TotalSeconds:0.0} s");
    }

    // Connection failure, timeout, 5xx: the server is left out for a growing while; the request goes elsewhere.
    private void MarkFailed(FleetServer server, string reason)
    {
        TimeSpan rest;
        lock (_gate)
        {
            server.ConsecutiveFailures++;
            rest = Jittered(_policy.BaseUnhealthy, _policy.MaxUnhealthy, server.ConsecutiveFailures);
            server.AvailableAt = DateTimeOffset.UtcNow + rest;
        }

        _log?.WriteLine($"warning: {reason}; {server} is left out for {rest.TotalSeconds:0.0} s");
    }

    /// <summary>Exponential backoff with "equal jitter": half the step fixed, half random, so clients spread out.</summary>
    internal static TimeSpan Jittered(TimeSpan first, TimeSpan max, int failures)
    {
        var step = Math.Min(max.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromMilliseconds((step / 2) + (Random.Shared.NextDouble() * step / 2));
    }

    /// <summary>A Retry-After header as a wait: seconds, or an HTTP date (a date in the past: no wait).</summary>
    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero,
        _ => null,
    };

    private static EmbeddingErrorKind KindOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.RequestEntityTooLarge => EmbeddingErrorKind.TooLarge,
        _ => EmbeddingErrorKind.InvalidInput,
    };

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message))
            {
                return message.GetString() ?? text;
            }
        }
        catch (JsonException)
        {
        }

        return text.Length > 300 ? text[..300] + "…" : text;
    }

    /// <summary>The Jina-dialect body of a request (api.md "Fields"); vectors are asked for as base64 float32.</summary>
    internal static byte[] RequestBody(EmbeddingRequest request)
    {
        var options = request.Options;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("input");
            for (var i = 0; i < request.Items.Count; i++)
            {
                var item = request.Items[i];
                json.WriteStartObject();
                if (item.Text != null)
                {
                    json.WriteString("text", item.Text);
                }
                else if (item.ImageBytes != null)
                {
                    json.WriteBase64String("image", item.ImageBytes);
                }
                else
                {
                    throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{i}] is pre-tokenized (input_ids); --server takes texts and images, token ids need a local --model.");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (options.Task != null)
            {
                json.WriteString("task", options.Task);
            }

            if (options.Dimensions is int dimensions)
            {
                json.WriteNumber("dimensions", dimensions);
            }

            json.WriteBoolean("normalized", options.Normalize ?? true);
            if (options.Truncate)
            {
                json.WriteBoolean("truncate", true);
            }

            if (options.LateChunking)
            {
                json.WriteBoolean("late_chunking", true);
            }

            if (options.Output == EmbeddingOutput.MultiVector)
            {
                json.WriteBoolean("return_multivector", true);
            }

            json.WriteString("embedding_type", "base64");
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task<EmbeddingResult> ReadResultAsync(HttpResponseMessage response, EmbeddingRequest request, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
        var data = json.RootElement.GetProperty("data");
        var count = request.Items.Count;
        if (data.GetArrayLength() != count)
        {
            throw new JsonException($"the server returned {data.GetArrayLength()} items for {count}");
        }

        var multi = request.Options.Output == EmbeddingOutput.MultiVector;
        var embeddings = new float[multi ? 0 : count][];
        var multiVectors = multi ? new MultiVector[count] : null;
        foreach (var item in data.EnumerateArray())
        {
            var index = item.GetProperty("index").GetInt32();
            if (index < 0 || index >= count)
            {
                throw new JsonException($"the server returned index {index} for {count} items");
            }

            if (multiVectors != null)
            {
                var tokens = item.GetProperty("embeddings").EnumerateArray().Select(t => Floats(t.GetBytesFromBase64())).ToList();
                var width = tokens.Count > 0 ? tokens[0].Length : 1;
                multiVectors[index] = new MultiVector([.. tokens.SelectMany(t => t)], width);
            }
            else
            {
                embeddings[index] = Floats(item.GetProperty("embedding").GetBytesFromBase64());
            }
        }

        var usage = json.RootElement.TryGetProperty("usage", out var u) && u.TryGetProperty("total_tokens", out var total) ? total.GetInt32() : 0;
        return new EmbeddingResult(embeddings, multiVectors, usage, TimeSpan.Zero, TimeSpan.Zero);
    }

    private static float[] Floats(byte[] bytes)
    {
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return values;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"input\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex ItemReference();
}
