// jinaembed serve: hosts the HTTP server (api.md) over one model folder or hub id. A thin wrapper over
// JinaEmbed.Server.EmbeddingServer; settings also come from appsettings.json and JINAEMBED_* variables.
using System.CommandLine;
using System.Globalization;
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Hub;
using JinaEmbed.Server;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed serve --model &lt;dir or hub id&gt; [--host] [--port] [--api-key] [--threads] [--default-task] [--max-batch-tokens]</c>.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model folder or Hugging Face hub id, downloaded once into the Hugging Face cache (default jinaai/jina-embeddings-v3; or JINAEMBED_MODEL)." };
        var host = new Option<string?>("--host") { Description = "Address to bind (default 127.0.0.1)." };
        var port = new Option<int?>("--port", "-p") { Description = "TCP port (default 8080; 0 picks a free one)." };
        var apiKey = new Option<string?>("--api-key") { Description = "Require Authorization: Bearer <key> (or JINAEMBED_APIKEY)." };
        var threads = new Option<int?>("--threads") { Description = "Compute threads (default: one per core)." };
        var defaultTask = new Option<string?>("--default-task") { Description = "Task when a request names none (default text-matching; 'none' = base model)." };
        var maxBatchTokens = new Option<int?>("--max-batch-tokens") { Description = "Token budget of one forward pass (default 16384)." };
        var queueCapacity = new Option<int?>("--queue-capacity") { Description = "Queued sequences before 429 (default 4096)." };
        var modelName = new Option<string?>("--served-model-name") { Description = "Name reported to clients (default: the model folder's name)." };
        var images = new ImageFlags();
        var client = new ClientFlags();
        var precision = PrecisionOption.Create();

        var command = new Command("serve", "Run the HTTP server (Jina and OpenAI /v1/embeddings).")
        {
            model, host, port, apiKey, threads, defaultTask, maxBatchTokens, queueCapacity, modelName, precision,
        };
        images.AddTo(command);
        client.AddTo(command);
        var hub = new ModelOptions();
        hub.AddHubOptionsTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            ServerOptions options;
            try
            {
                options = ToOptions(parse, model, host, port, apiKey, threads, defaultTask, maxBatchTokens, queueCapacity, modelName, images, precision);
                client.Apply(parse, options);
                options.Validate();
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }

            if (string.IsNullOrEmpty(options.Model))
            {
                options.Model = ModelSource.DefaultModel;
            }

            // A hub id is resolved here, before binding: a first download shows its progress bar, and 401/404/offline
            // errors end the command with their message and exit code instead of leaving a server that never gets ready.
            var modelDirectory = options.Model;
            if (ModelSource.IsHubId(options.Model))
            {
                try
                {
                    modelDirectory = await hub.ResolveAsync(parse, quiet: false, cancellationToken, options.Model);
                }
                catch (HubException e)
                {
                    return ExitCodes.Report(e, parse.InvocationConfiguration.Error);
                }

                if (!options.ModelAliases.Contains(options.Model))
                {
                    options.ModelAliases.Add(options.Model);
                }
            }

            await using var server = await EmbeddingServer.StartAsync(options, modelDirectory, cancellationToken);
            Console.Error.WriteLine($"jinaembed: serving {options.Model} on {server.BaseAddress} (ready when GET /ready is 200)");
            var shutdown = server.WaitForShutdownAsync(cancellationToken);
            if (await Task.WhenAny(shutdown, server.Ready) == server.Ready && server.Ready.IsFaulted)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: loading {options.Model} failed: {server.Ready.Exception!.GetBaseException().Message}");
                return ExitCodes.Failure;
            }

            await shutdown;
            return 0;
        });
        return command;
    }

    /// <summary>Flags over appsettings.json and JINAEMBED_* (a flag left out keeps the configured value).</summary>
    internal static ServerOptions ToOptions(ParseResult parse, Option<string?> model, Option<string?> host, Option<int?> port, Option<string?> apiKey, Option<int?> threads, Option<string?> defaultTask, Option<int?> maxBatchTokens, Option<int?> queueCapacity, Option<string?> modelName, ImageFlags images, Option<string?>? precision = null)
    {
        static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);
        var options = ServerConfiguration.Load(overrides: new Dictionary<string, string?>
        {
            [nameof(ServerOptions.Model)] = parse.GetValue(model),
            [nameof(ServerOptions.Host)] = parse.GetValue(host),
            [nameof(ServerOptions.Port)] = Text(parse.GetValue(port)),
            [nameof(ServerOptions.ApiKey)] = parse.GetValue(apiKey),
            [nameof(ServerOptions.Threads)] = Text(parse.GetValue(threads)),
            [nameof(ServerOptions.DefaultTask)] = parse.GetValue(defaultTask),
            [nameof(ServerOptions.MaxBatchTokens)] = Text(parse.GetValue(maxBatchTokens)),
            [nameof(ServerOptions.QueueCapacity)] = Text(parse.GetValue(queueCapacity)),
            [nameof(ServerOptions.ModelName)] = parse.GetValue(modelName),
            [nameof(ServerOptions.Precision)] = precision is null ? null : PrecisionOption.Parse(parse.GetValue(precision))?.ToString(),
        });
        images.Apply(parse, options);
        return options;
    }

    /// <summary>
    /// What clients nobody here wrote need (api.md "Client compatibility"): truncation by default, browser origins, the
    /// per-request limits their 413s name, and the console log format.
    /// </summary>
    internal sealed class ClientFlags
    {
        private readonly Option<bool?> defaultTruncate = new("--default-truncate") { Description = "Cut over-long inputs of requests that do not send \"truncate\" (OpenAI-dialect clients cannot) instead of 400 (default off)." };
        private readonly Option<string[]> corsOrigins = new("--cors-origins") { Description = "Browser origins allowed to call the server (CORS), e.g. https://app.example.com, or * for any; comma-separated or repeated (default: none, CORS off).", AllowMultipleArgumentsPerToken = true };
        private readonly Option<int?> maxRequestTokens = new("--max-request-tokens") { Description = "Most tokens one request may make the model process (default 300000); above: 413." };
        private readonly Option<int?> maxRequestItems = new("--max-request-items") { Description = "Most inputs in one request (default 2048); above: 413." };
        private readonly Option<string?> logFormat = new("--log-format") { Description = "Console logs: auto (text on a terminal, JSON when redirected; the default), json, text or none." };

        public void AddTo(Command command)
        {
            foreach (var option in (Option[])[defaultTruncate, corsOrigins, maxRequestTokens, maxRequestItems, logFormat])
            {
                command.Options.Add(option);
            }
        }

        /// <summary>Flags given win over the configuration; the origin list of the flag replaces the configured one.</summary>
        public void Apply(ParseResult parse, ServerOptions options)
        {
            if (parse.GetValue(defaultTruncate) is { } truncate)
            {
                options.DefaultTruncate = truncate;
            }

            if (parse.GetValue(corsOrigins) is { Length: > 0 } origins)
            {
                options.CorsOrigins = [.. origins];
            }

            if (parse.GetValue(maxRequestTokens) is { } tokens)
            {
                options.MaxTokensPerRequest = tokens;
            }

            if (parse.GetValue(maxRequestItems) is { } items)
            {
                options.MaxItemsPerRequest = items;
            }

            if (parse.GetValue(logFormat) is { } format)
            {
                options.LogFormat = format;
            }
        }
    }

    /// <summary>The image and request-size flags (jina-embeddings-v4 images; api.md "Server settings (v4)").</summary>
    internal sealed class ImageFlags
    {
        private readonly Option<long?> maxImagePixels = new("--max-image-pixels") { Description = "Largest decoded image, width × height, read from its header before decoding (default 20000000); above: 413 image_too_large." };
        private readonly Option<bool?> allowImageUrls = new("--allow-image-urls") { Description = "Fetch http(s) image URLs from the hosts of --image-url-hosts (default off: base64 and data URIs only)." };
        private readonly Option<string[]> imageUrlHosts = new("--image-url-hosts") { Description = "Hosts image URLs may name, and redirects lead to: exact names or *.domain; comma-separated or repeated.", AllowMultipleArgumentsPerToken = true };
        private readonly Option<long?> imageUrlMaxBytes = new("--image-url-max-bytes") { Description = "Largest image download in bytes (default 20971520 = 20 MiB); above: 413 image_too_large." };
        private readonly Option<double?> imageUrlTimeout = new("--image-url-timeout") { Description = "Seconds one image download may take, redirects included (default 10); then 400 image_fetch_failed." };
        private readonly Option<int?> imageUrlMaxRedirects = new("--image-url-max-redirects") { Description = "Redirects followed per image URL, each re-checked against the hosts (default 3)." };
        private readonly Option<long?> maxRequestBodyBytes = new("--max-request-body-bytes") { Description = "Largest request body in bytes (default 16777216 = 16 MiB; a base64 image takes 4/3 of its file size); above: 413." };

        public void AddTo(Command command)
        {
            foreach (var option in (Option[])[maxImagePixels, allowImageUrls, imageUrlHosts, imageUrlMaxBytes, imageUrlTimeout, imageUrlMaxRedirects, maxRequestBodyBytes])
            {
                command.Options.Add(option);
            }
        }

        /// <summary>Flags given win over the configuration; the host list of the flag replaces the configured one.</summary>
        public void Apply(ParseResult parse, ServerOptions options)
        {
            if (parse.GetValue(maxImagePixels) is { } pixels)
            {
                options.MaxImagePixels = pixels;
            }

            if (parse.GetValue(allowImageUrls) is { } allow)
            {
                options.AllowImageUrls = allow;
            }

            if (parse.GetValue(imageUrlHosts) is { Length: > 0 } hosts)
            {
                options.ImageUrlHosts = [.. hosts];
            }

            if (parse.GetValue(imageUrlMaxBytes) is { } bytes)
            {
                options.ImageUrlMaxBytes = bytes;
            }

            if (parse.GetValue(imageUrlTimeout) is { } seconds)
            {
                options.ImageUrlTimeoutSeconds = seconds;
            }

            if (parse.GetValue(imageUrlMaxRedirects) is { } redirects)
            {
                options.ImageUrlMaxRedirects = redirects;
            }

            if (parse.GetValue(maxRequestBodyBytes) is { } body)
            {
                options.MaxRequestBodyBytes = body;
            }
        }
    }
}
