// `jinaembed embed`: texts (lines, JSONL, a CSV column; a file or stdin) or images (--images, JSONL "image") → vectors (JSONL, .npy or CSV; a file or
// stdout), in input order, through the library's Embedder and its batch scheduler (issues #3 and #7). With
// --multivector (jina-embeddings-v4) each text gives one vector per token: JSONL "embeddings", or .npy + offsets .npy.
// With --server the texts go to a fleet of JinaEmbed servers instead of a local model; --resume continues a killed
// run; --shard embeds one contiguous part of the input (a Kubernetes Indexed Job's pod): docs/bulk-embedding.md.
using System.CommandLine;
using System.Globalization;
using System.Text;
using JinaEmbed.Cli.Fleet;
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Cli.IO;
using JinaEmbed.Cli.Progress;
using JinaEmbed.Embedding;
using JinaEmbed.Hub;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed embed</c> (issues #3, #7).</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var command = new Command("embed", "Embed texts (lines, JSONL or a CSV column) or images (--images, JSONL \"image\") into vectors (JSONL, .npy or CSV), in input order.");
        var model = new ModelOptions();
        model.AddTo(command);
        var input = new Option<string?>("--input", "-i") { Description = "Input file (default: stdin)", HelpName = "file" };
        var inputFormat = new Option<InputFormat?>("--input-format") { Description = "text (one per line), jsonl (a string, {\"text\": ...}, {\"image\": path relative to the file, base64 or data URI} or {\"input_ids\": [...]} per line) or csv (default: from the file extension, else text)" };
        var field = new Option<string>("--field") { Description = "JSONL: the field holding the text", DefaultValueFactory = _ => "text" };
        var column = new Option<string>("--column") { Description = "CSV: the column holding the text (header name or 0-based number)", DefaultValueFactory = _ => "text" };
        var output = new Option<string?>("--output", "-o") { Description = "Output file (default: stdout; .npy needs a file)", HelpName = "file" };
        var outputFormat = new Option<OutputFormat?>("--output-format") { Description = "jsonl, npy or csv (default: from the file extension, else jsonl)" };
        var task = new Option<string?>("--task", "-t")
        {
            Description = "jina-embeddings-v3: retrieval.query, retrieval.passage, separation, classification, text-matching, or none (base model, no prompt); " +
                          "jina-embeddings-v4: retrieval.query, retrieval.passage, text-matching, code.query, code.passage " +
                          "(default: text-matching where the model has it, as the server does; else the model's default)",
        };
        var dimensions = new Option<int?>("--dimensions", "-d") { Description = "Matryoshka size of single vectors: keep the first N dimensions (then re-normalise)" };
        var multiVector = new Option<bool>("--multivector") { Description = "One vector per token (jina-embeddings-v4's 128-d late-interaction vectors) instead of one per text; JSONL or .npy + offsets .npy" };
        var lateChunking = new Option<bool>("--late-chunking") { Description = "The inputs are chunks of one document: encode them together, one vector per chunk" };
        var document = new Option<string?>("--document") { Description = "Late chunking of a whole file: cut it into --chunk-size token windows, encode it once, one vector per chunk", HelpName = "file" };
        var chunkSize = new Option<int>("--chunk-size") { Description = "With --document: tokens per chunk", DefaultValueFactory = _ => 256 };
        var batchTokens = new Option<int?>("--batch-tokens") { Description = "Token budget of one forward pass (default 16384): larger is faster, smaller uses less memory" };
        var truncate = new Option<bool>("--truncate") { Description = "Cut inputs longer than the model's maximum instead of failing" };
        var noNormalize = new Option<bool>("--no-normalize") { Description = "Do not L2-normalise the vectors" };
        var threads = new Option<int?>("--threads") { Description = "Compute threads (default: one per core)" };
        var precision = PrecisionOption.Create();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output" };
        var images = new Option<string[]>("--images")
        {
            Description = "Embed images instead of texts (jina-embeddings-v4): files, or folders whose image files (" + string.Join(' ', ImageInput.Extensions.Order(StringComparer.Ordinal)) +
                          ") are taken sorted by name; each output row names its file (JSONL \"file\", a CSV file column, .npy: a .files.txt beside)",
            HelpName = "dir|file",
            AllowMultipleArgumentsPerToken = true,
        };
        var server = new Option<string[]>("--server")
        {
            Description = "Embed on these JinaEmbed servers instead of a local model (comma-separated or repeated base URLs): requests sized by tokens, a few in flight per server, backoff on 429/503, failover",
            HelpName = "url[,url…]",
            AllowMultipleArgumentsPerToken = true,
        };
        var apiKey = new Option<string?>("--api-key") { Description = "With --server: the servers' API key (default: $JINAEMBED_API_KEY)" };
        var inFlight = new Option<int>("--in-flight") { Description = "With --server: requests in flight per server", DefaultValueFactory = _ => new FleetPolicy().InFlightPerServer };
        var maxAttempts = new Option<int>("--max-attempts") { Description = "With --server: tries of one request (refusals and failures together) before the run stops; the output so far stays resumable", DefaultValueFactory = _ => new FleetPolicy().MaxAttempts };
        var resume = new Option<bool>("--resume") { Description = "Continue the run that wrote --output (killed or stopped): its rows are checked and kept, and the finished file equals an uninterrupted run's" };
        var shard = new Option<string?>("--shard")
        {
            Description = "Embed only part INDEX of COUNT contiguous parts of the input into <output>.part-INDEX; INDEX \"job\" reads $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)",
            HelpName = "INDEX/COUNT",
        };
        foreach (var option in (Option[])[input, inputFormat, field, column, output, outputFormat, task, dimensions, multiVector, lateChunking, document, chunkSize, batchTokens, truncate, noNormalize, threads, quiet, images, precision, server, apiKey, inFlight, maxAttempts, resume, shard])
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;

            // A run that fails before writing a row leaves nothing behind: the files it created are removed and older
            // files of the same names, moved aside while it ran, come back. One that fails later keeps its rows (and
            // the .progress beside them) for --resume.
            var outputs = new OutputFiles();
            Func<long>? written = null;
            bool keepForResume = false;
            try
            {
                var inputPath = parse.GetValue(input) is { } i && i != "-" ? i : null;
                var outputPath = parse.GetValue(output) is { } o && o != "-" ? o : null;
                var inFormat = parse.GetValue(inputFormat) ?? TextInput.FromExtension(inputPath);
                var outFormat = parse.GetValue(outputFormat) ?? VectorWriter.FromExtension(outputPath);
                if (outFormat == OutputFormat.Npy && outputPath == null)
                {
                    error.WriteLine("error: .npy output needs a file: pass --output vectors.npy.");
                    return ExitCodes.Usage;
                }

                var multi = parse.GetValue(multiVector);
                if (multi && outFormat == OutputFormat.Csv)
                {
                    error.WriteLine("error: CSV holds one vector per row; --multivector needs --output-format jsonl or npy.");
                    return ExitCodes.Usage;
                }

                if (multi && parse.GetValue(dimensions) != null)
                {
                    // Multi-vectors are always the projector's width; silently ignoring the flag would hide a mistake.
                    error.WriteLine("error: --dimensions applies to single vectors; multi-vectors (--multivector) always have the model's multi-vector width.");
                    return ExitCodes.Usage;
                }

                var imageArguments = parse.GetValue(images) ?? [];
                if (imageArguments.Length > 0 && (parse.GetValue(input) != null || parse.GetValue(document) != null || parse.GetValue(lateChunking)))
                {
                    error.WriteLine("error: --images takes the place of --input; late chunking (--late-chunking, --document) is for texts only.");
                    return ExitCodes.Usage;
                }

                // Listed before the model loads, so a wrong path fails at once.
                var imageFiles = imageArguments.Length > 0 ? ImageInput.ListFiles(imageArguments) : null;
                var quietRun = parse.GetValue(quiet);
                var servers = ParseServers(parse.GetValue(server));
                var shardPart = ParseShard(parse.GetValue(shard));
                var resuming = parse.GetValue(resume);
                if (UsageError(parse, servers, shardPart, resuming, inputPath, outputPath, outFormat, imageFiles) is { } usage)
                {
                    error.WriteLine($"error: {usage}");
                    return ExitCodes.Usage;
                }

                using var fleet = servers == null ? null : await FleetClient.ConnectAsync(
                    servers,
                    parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("JINAEMBED_API_KEY"),
                    new FleetPolicy { InFlightPerServer = parse.GetValue(inFlight), MaxAttempts = parse.GetValue(maxAttempts) },
                    error,
                    cancellationToken).ConfigureAwait(false);
                Embedder? embedder = null;
                if (fleet == null)
                {
                    var directory = await model.ResolveAsync(parse, quietRun, cancellationToken).ConfigureAwait(false);
                    var embedderOptions = new EmbedderOptions { Threads = parse.GetValue(threads) ?? 0, Precision = PrecisionOption.Parse(parse.GetValue(precision)) ?? Compute.Precision.Exact };
                    if (parse.GetValue(batchTokens) is int batchBudget)
                    {
                        embedderOptions = embedderOptions with { MaxBatchTokens = batchBudget };
                    }

                    if (!quietRun)
                    {
                        PrecisionOption.WarnIfSlow(embedderOptions.Precision, error);
                    }

                    embedder = Embedder.Load(directory, embedderOptions);
                }

                using var localModel = embedder;
                var modelName = fleet?.Info.Model ?? $"{embedder!.Info.Name} ({embedder.Info.Architecture})";
                if (multi && (fleet != null ? !fleet.Info.MultiVector : embedder!.Info.MultiVectorDimensions == null))
                {
                    error.WriteLine($"error: --multivector needs a model with a multi-vector head (jina-embeddings-v4); {modelName} has none.");
                    return ExitCodes.Usage;
                }

                var options = new EmbedOptions
                {
                    // A fleet without --task gets the servers' default task (text-matching unless configured otherwise).
                    Task = parse.GetValue(task) ?? (fleet != null ? null : embedder!.Info.Tasks.Contains(DefaultTask) ? DefaultTask : null),
                    Dimensions = parse.GetValue(dimensions),
                    Normalize = !parse.GetValue(noNormalize),
                    Truncate = parse.GetValue(truncate),
                    LateChunking = parse.GetValue(lateChunking),
                    Output = multi ? EmbeddingOutput.MultiVector : EmbeddingOutput.SingleVector,
                };

                if (parse.GetValue(document) is { } documentPath)
                {
                    return await EmbedDocumentAsync(embedder!, documentPath, parse.GetValue(chunkSize), options, multi, outFormat, outputPath, error, cancellationToken).ConfigureAwait(false);
                }

                if (imageFiles != null && !(fleet != null ? fleet.Info.Images : embedder!.Info.Modalities.Contains("image")))
                {
                    error.WriteLine($"error: --images needs a model that embeds images (jina-embeddings-v4); {modelName} embeds text only.");
                    return ExitCodes.Usage;
                }

                // The rows of this run: all, or one contiguous part (--shard), counted first (cheap) for that and for
                // the progress bar's % and ETA.
                var textField = inFormat == InputFormat.Csv ? parse.GetValue(column)! : parse.GetValue(field)!;
                long? total = imageFiles != null ? imageFiles.Count : inputPath != null ? CountItems(inputPath, inFormat, textField) : null;
                long first = 0, rows = total ?? 0;
                if (shardPart is var (shardIndex, shardCount))
                {
                    first = total!.Value * shardIndex / shardCount;
                    rows = (total.Value * (shardIndex + 1) / shardCount) - first;
                    outputPath += PartSuffix(shardIndex);
                }

                var partSuffix = shardPart is var (index, _) ? PartSuffix(index) : "";
                var baseOutput = shardPart != null ? outputPath![..^partSuffix.Length] : outputPath;
                var offsetsPath = multi && outFormat == OutputFormat.Npy ? VectorWriter.OffsetsPath(baseOutput!) + partSuffix : null;
                var shardFiles = imageFiles?.Skip((int)first).Take(shardPart != null ? (int)rows : int.MaxValue).ToList();

                var cut = fleet != null ? RequestCut.For(fleet.Info, parse.GetValue(batchTokens)) : null;
                // A run into a file from a file can be resumed: its settings and input are recorded beside the output.
                var resumable = outputPath != null && (inputPath != null || imageFiles != null) && outFormat != OutputFormat.Csv && !options.LateChunking;
                var progressPath = resumable ? ResumableOutput.ProgressPath(outputPath!) : null;
                var settings = resumable ? RunSettings(parse.GetValue(model.Model)!, parse.GetValue(precision), fleet, cut, options, inputPath, inFormat, textField, outFormat, shardFiles, shardPart) : null;
                ResumePoint? resumeAt = null;
                if (resuming && File.Exists(outputPath))
                {
                    if (!File.Exists(progressPath))
                    {
                        error.WriteLine($"error: {outputPath} has no {Path.GetFileName(progressPath)} beside it: it is complete, or was not written by a resumable run; remove it to start again.");
                        return ExitCodes.Usage;
                    }

                    var differences = ResumableOutput.CompareProgress(progressPath!, settings!);
                    if (differences.Count > 0)
                    {
                        error.WriteLine($"error: cannot resume {outputPath}: this run differs from the one that started it:");
                        differences.ForEach(d => error.WriteLine($"  {d}"));
                        error.WriteLine("Run with the same settings and input, or remove the output to start again.");
                        return ExitCodes.Usage;
                    }

                    resumeAt = outFormat == OutputFormat.Jsonl ? ResumableOutput.RecoverJsonl(outputPath!, multi, first)
                        : offsetsPath != null ? ResumableOutput.RecoverNpyMulti(outputPath!, offsetsPath)
                        : ResumableOutput.RecoverNpy(outputPath!);
                    if (!quietRun)
                    {
                        error.WriteLine($"resuming {outputPath}: {resumeAt.Rows:N0} of {rows:N0} rows are done");
                    }
                }
                else if (progressPath != null)
                {
                    outputs.ClaimInPlace(progressPath); // the output itself is claimed just below
                    ResumableOutput.WriteProgress(progressPath, settings!);
                }

                if (resumeAt == null && outputPath != null)
                {
                    outputs.ClaimInPlace(outputPath);
                    if (offsetsPath != null)
                    {
                        outputs.ClaimInPlace(offsetsPath);
                    }

                    if (shardFiles != null && outFormat == OutputFormat.Npy)
                    {
                        outputs.ClaimInPlace(VectorWriter.NamesPath(baseOutput!) + partSuffix);
                    }
                }

                using var reader = imageFiles != null ? new StreamReader(Stream.Null) : inputPath != null ? new StreamReader(inputPath) : new StreamReader(Console.OpenStandardInput());
                await using var stream = outputPath == null ? Console.OpenStandardOutput() : resumeAt != null ? OpenAtEnd(outputPath) : File.Create(outputPath);
                await using var offsets = offsetsPath == null ? null : resumeAt != null ? OpenAtEnd(offsetsPath) : File.Create(offsetsPath);
                await using var writer = multi ? VectorWriter.CreateMulti(outFormat, stream, offsets, resumeAt) : VectorWriter.Create(outFormat, stream, resumeAt);
                writer.Names = shardFiles;
                writer.FirstIndex = first;
                if (shardFiles != null && outFormat == OutputFormat.Npy)
                {
                    await File.WriteAllLinesAsync(VectorWriter.NamesPath(baseOutput!) + partSuffix, shardFiles, cancellationToken).ConfigureAwait(false);
                }

                var progress = quietRun ? null : new EmbedProgress(ProgressRenderer.For(error), shardPart != null ? rows : total);
                IEnumerable<EmbeddingInput> inputs = shardFiles != null
                    ? ImageInput.Read(shardFiles)
                    : TextInput.ReadInputs(reader, inFormat, textField, inputPath != null ? Path.GetDirectoryName(Path.GetFullPath(inputPath)) : null);
                if (shardPart != null && shardFiles == null)
                {
                    inputs = inputs.Skip((int)first).Take((int)rows);
                }

                var skip = resumeAt?.Rows ?? 0;
                var running = fleet != null ? FleetPipeline(fleet, cut!, options, first, shardFiles, skip) : new EmbedPipeline(embedder!.EmbedAsync, options)
                {
                    // Requests of 64 texts (8 images: each holds its bytes until embedded), enough of them in flight
                    // that the scheduler's batches fill its token budget.
                    ItemsPerRequest = imageFiles != null ? 8 : 64,
                    RequestsInFlight = imageFiles != null ? 4 : Math.Clamp(embedder.Options.MaxBatchTokens / (64 * 8), 2, 64),
                    DescribeItem = shardFiles != null ? position => shardFiles[(int)position] : first > 0 ? position => $"input[{first + position}]" : null,
                    SkipItems = skip,
                };
                written = () => running.Written;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                try
                {
                    var (items, tokens) = await running.RunAsync(inputs, writer, progress, stop.Token).ConfigureAwait(false);
                    await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    if (progressPath != null)
                    {
                        File.Delete(progressPath); // complete: nothing to resume
                    }

                    progress?.Finish(items, tokens);
                    outputs.Succeed();
                }
                catch (Exception e) when (e is FleetUnavailableException or EmbeddingException && fleet != null)
                {
                    // Stop the other requests; what is written stays a valid, resumable prefix.
                    await stop.CancelAsync().ConfigureAwait(false);
                    await writer.CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
                    keepForResume = e is FleetUnavailableException; // the servers, not the input: --resume continues even from row 0
                    error.WriteLine($"error: {e.Message}");
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: input rows {first + running.Written}–{first + rows - 1} were not embedded; {outputPath ?? "the output"} holds the {running.Written:N0} rows before them.") +
                                    (resumable ? " Run the same command with --resume to continue." : ""));
                    return e is EmbeddingException ? ExitCodes.Usage : ExitCodes.Unavailable;
                }

                return ExitCodes.Success;
            }
            catch (UsageException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (FleetUnauthorizedException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Unauthorized;
            }
            catch (FleetUnavailableException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Unavailable;
            }
            catch (HubException e)
            {
                return ExitCodes.Report(e, error);
            }
            catch (EmbeddingException e)
            {
                error.WriteLine($"error: {Describe(e)}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or JinaEmbed.Checkpoints.CheckpointException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
            finally
            {
                // The output streams were closed when the try block's scope ended.
                outputs.Finish(keepInPlace: keepForResume || (written?.Invoke() ?? 0) > 0);
            }
        });
        return command;
    }

    /// <summary>The library's refusal with the flag that gets past it, where there is one.</summary>
    private static string Describe(EmbeddingException e) => e.Kind switch
    {
        EmbeddingErrorKind.ContextLengthExceeded => $"{e.Problem} (pass --truncate to cut it).",
        _ => e.Message,
    };

    // The server's default task too, so both give the same vectors; models without it use their own default.
    private const string DefaultTask = "text-matching";

    private static long CountItems(string path, InputFormat format, string column)
    {
        if (format == InputFormat.Csv)
        {
            using var csv = new StreamReader(path);
            return TextInput.Read(csv, format, column).LongCount();
        }

        return File.ReadLines(path).LongCount(line => format == InputFormat.Text || !string.IsNullOrWhiteSpace(line));
    }

    /// <summary>The options that make no sense together, or with --server / --resume / --shard; null when none.</summary>
    private static string? UsageError(ParseResult parse, List<Uri>? servers, (int, int)? shard, bool resume, string? inputPath, string? outputPath, OutputFormat outFormat, List<string>? imageFiles)
    {
        bool Given(string name) => parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => !o.Implicit && (o.Option.Name == name || o.Option.Aliases.Contains(name)));
        if (servers != null)
        {
            var local = new[] { "--model", "--threads", "--precision", "--cache-dir", "--endpoint", "--offline", "--document" }.Where(Given).ToList();
            if (local.Count > 0)
            {
                return $"{string.Join(", ", local)} choose{(local.Count == 1 ? "s" : "")} how a local model runs; with --server the servers' model embeds (late chunking of your own chunks: --late-chunking).";
            }
        }
        else if (new[] { "--api-key", "--in-flight", "--max-attempts" }.Where(Given).ToList() is { Count: > 0 } fleetOnly)
        {
            return $"{string.Join(", ", fleetOnly)} appl{(fleetOnly.Count == 1 ? "ies" : "y")} to --server only.";
        }

        var lateChunking = parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => o.Option.Name is "--late-chunking" or "--document" && !o.Implicit);
        if (resume || shard != null)
        {
            var flag = resume ? "--resume" : "--shard";
            if (outputPath == null)
            {
                return $"{flag} needs --output (a file).";
            }

            if (inputPath == null && imageFiles == null)
            {
                return $"{flag} needs --input (a file): standard input cannot be read again.";
            }

            if (lateChunking)
            {
                return $"{flag} does not apply to late chunking: its chunks are one request.";
            }
        }

        if (resume && outFormat == OutputFormat.Csv)
        {
            return "--resume continues JSONL and .npy outputs; write --output-format jsonl or npy.";
        }

        return null;
    }

    /// <summary>The base URLs of --server (comma-separated or repeated), or null without it.</summary>
    private static List<Uri>? ParseServers(string[]? values)
    {
        if (values is not { Length: > 0 })
        {
            return null;
        }

        var servers = new List<Uri>();
        foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--server {value} is not an http(s) URL such as http://10.0.0.5:8080.");
            }

            servers.Add(uri);
        }

        return servers.Count > 0 ? servers : throw new UsageException("--server needs at least one URL.");
    }

    /// <summary>--shard INDEX/COUNT (INDEX "job": $JOB_COMPLETION_INDEX), or null without it.</summary>
    internal static (int Index, int Count)? ParseShard(string? value)
    {
        if (value == null)
        {
            return null;
        }

        var parts = value.Split('/');
        var indexText = parts[0] == "job" ? Environment.GetEnvironmentVariable("JOB_COMPLETION_INDEX") : parts[0];
        if (parts[0] == "job" && string.IsNullOrEmpty(indexText))
        {
            throw new UsageException("--shard job/COUNT reads $JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), which is not set.");
        }

        if (parts.Length != 2 || !int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || index >= count)
        {
            throw new UsageException($"--shard {value}: expected INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4 (INDEX may be \"job\").");
        }

        return (index, count);
    }

    /// <summary>The file a shard writes: <c>vectors.npy</c> → <c>vectors.npy.part-3</c>.</summary>
    private static string PartSuffix(int index) => string.Create(CultureInfo.InvariantCulture, $".part-{index}");

    private static FileStream OpenAtEnd(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }

    /// <summary>
    /// What makes the output what it is, recorded in its .progress file: a resumed run must match it. The input is
    /// fingerprinted by its SHA-256 (images: their paths and sizes); the request cut of --server is part of it because
    /// a vector may depend on its request's company until kernels are batch-independent.
    /// </summary>
    private static Dictionary<string, string> RunSettings(string modelArgument, string? precision, FleetClient? fleet, RequestCut? cut, EmbedOptions options, string? inputPath, InputFormat inFormat, string textField, OutputFormat outFormat, List<string>? imageFiles, (int Index, int Count)? shard)
    {
        var settings = new Dictionary<string, string>
        {
            ["format_version"] = "1",
            ["model"] = fleet != null ? $"server: {fleet.Info.Model}" : $"local: {modelArgument}, precision {precision ?? "exact"}",
            ["input"] = imageFiles != null
                ? "images sha256:" + ResumableOutput.HashLines(imageFiles.Select(f => $"{f}\t{new FileInfo(f).Length}"))
                : $"{inFormat} \"{(inFormat == InputFormat.Text ? "" : textField)}\" sha256:{ResumableOutput.HashFile(inputPath!)}",
            ["task"] = options.Task ?? (fleet != null ? "(the servers' default)" : "none"),
            ["dimensions"] = options.Dimensions?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["normalize"] = options.Normalize == false ? "no" : "yes",
            ["truncate"] = options.Truncate ? "yes" : "no",
            ["output"] = $"{outFormat}{(options.Output == EmbeddingOutput.MultiVector ? ", multi-vector" : "")}",
            ["shard"] = shard is var (index, count) ? $"{index}/{count}" : "none",
        };
        if (cut != null)
        {
            settings["requests"] = cut.ToString();
        }

        return settings;
    }

    /// <summary>The pipeline of --server: requests cut by the fleet's limits, the whole fleet's capacity in flight.</summary>
    private static EmbedPipeline FleetPipeline(FleetClient fleet, RequestCut cut, EmbedOptions options, long first, List<string>? files, long skip)
    {
        var info = fleet.Info;
        var prefixBytes = options.Task is { } t && info.Tasks.TryGetValue(t, out var prefix) ? Encoding.UTF8.GetByteCount(prefix)
            : info.Tasks.Count > 0 ? info.Tasks.Values.Max(p => Encoding.UTF8.GetByteCount(p)) : 0;
        var imageTokens = (info.MaxImageTokens > 0 ? info.MaxImageTokens : 768) + 11;
        return new EmbedPipeline(fleet.EmbedAsync, options)
        {
            ItemsPerRequest = cut.Items,
            TokensPerRequest = cut.Tokens,
            BytesPerRequest = cut.Bytes,
            // No tokenizer here: a token covers at least one UTF-8 byte of the text (or of the prompt) in both the
            // sentencepiece (v3) and byte-level BPE (v4) vocabularies, so bytes + prompt + 2 special tokens bound it.
            Estimate = input => input.ImageBytes is { } image
                ? (imageTokens, (image.Length * 4L / 3) + 64)
                : input.Text is { } text ? (Encoding.UTF8.GetByteCount(text) + prefixBytes + 2, (2L * Encoding.UTF8.GetByteCount(text)) + 16)
                : (input.TokenIds?.Length ?? 0, 16),
            RequestsInFlight = fleet.Capacity,
            DescribeItem = files != null ? position => files[(int)position] : position => $"input[{first + position}]",
            SkipItems = skip,
        };
    }

    /// <summary>`--document`: the whole file is one document: fixed token windows, one late-chunked pass (windows beyond the context).</summary>
    private static async Task<int> EmbedDocumentAsync(Embedder embedder, string documentPath, int size, EmbedOptions options, bool multi, OutputFormat outFormat, string? outputPath, TextWriter error, CancellationToken cancellationToken)
    {
        if (size < 1)
        {
            error.WriteLine("error: --chunk-size must be at least 1.");
            return ExitCodes.Usage;
        }

        var text = await File.ReadAllTextAsync(documentPath, cancellationToken).ConfigureAwait(false);
        var strategy = ChunkingStrategy.FixedTokens(size);
        var chunkVectors = multi ? null : embedder.EmbedDocument(text, strategy, options with { LateChunking = true });
        var chunkMultiVectors = multi ? embedder.EmbedDocumentMultiVectors(text, strategy, options) : null;
        var files = new OutputFiles(); // the outputs appear only when the run succeeds
        try
        {
            await using (var documentStream = outputPath != null ? files.Create(outputPath) : Console.OpenStandardOutput())
            await using (var documentOffsets = multi && outFormat == OutputFormat.Npy ? files.Create(VectorWriter.OffsetsPath(outputPath!)) : null)
            {
                await using var documentWriter = multi ? VectorWriter.CreateMulti(outFormat, documentStream, documentOffsets) : VectorWriter.Create(outFormat, documentStream);
                foreach (var vector in chunkVectors ?? [])
                {
                    await documentWriter.WriteAsync(vector, cancellationToken).ConfigureAwait(false);
                }

                foreach (var multiVectorOfChunk in chunkMultiVectors ?? [])
                {
                    await documentWriter.WriteAsync(multiVectorOfChunk, cancellationToken).ConfigureAwait(false);
                }

                await documentWriter.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            files.Succeed();
            return ExitCodes.Success;
        }
        finally
        {
            files.Finish();
        }
    }

    /// <summary>How --server cuts requests: items, estimated tokens and estimated body bytes per request.</summary>
    internal sealed record RequestCut(int Items, long Tokens, long Bytes)
    {
        /// <summary>
        /// Within every limit the servers' GET /info reports (so no request is refused as too large): tokens
        /// --batch-tokens, else the server's forward-pass budget; half the body limit (the estimate is rough for images).
        /// </summary>
        public static RequestCut For(ServerInfo info, int? batchTokens) => new(
            Math.Max(1, info.MaxItemsPerRequest),
            Math.Max(1, Math.Min(batchTokens ?? info.MaxBatchTokens, info.MaxTokensPerRequest)),
            Math.Max(1, info.MaxRequestBodyBytes / 2));

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Items} items, {Tokens} tokens, {Bytes} bytes");
    }

    private sealed class UsageException(string message) : Exception(message);
}
