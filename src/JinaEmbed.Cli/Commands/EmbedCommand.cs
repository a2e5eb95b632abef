// `jinaembed embed`: texts (lines, JSONL, a CSV column; a file or stdin) or images (--images, JSONL "image") → vectors (JSONL, .npy or CSV; a file or
// stdout), in input order, through the library's Embedder and its batch scheduler (issues #3 and #7). With
// --multivector (jina-embeddings-v4) each text gives one vector per token: JSONL "embeddings", or .npy + offsets .npy.
using System.CommandLine;
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
        foreach (var option in (Option[])[input, inputFormat, field, column, output, outputFormat, task, dimensions, multiVector, lateChunking, document, chunkSize, batchTokens, truncate, noNormalize, threads, quiet, images, precision])
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var files = new OutputFiles();
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
                var directory = await model.ResolveAsync(parse, quietRun, cancellationToken).ConfigureAwait(false);
                var embedderOptions = new EmbedderOptions { Threads = parse.GetValue(threads) ?? 0, Precision = PrecisionOption.Parse(parse.GetValue(precision)) ?? Compute.Precision.Exact };
                if (parse.GetValue(batchTokens) is int batchBudget)
                {
                    embedderOptions = embedderOptions with { MaxBatchTokens = batchBudget };
                }

                using var embedder = Embedder.Load(directory, embedderOptions);
                if (multi && embedder.Info.MultiVectorDimensions == null)
                {
                    error.WriteLine($"error: --multivector needs a model with a multi-vector head (jina-embeddings-v4); {embedder.Info.Name} ({embedder.Info.Architecture}) has none.");
                    return ExitCodes.Usage;
                }

                var options = new EmbedOptions
                {
                    Task = parse.GetValue(task) ?? (embedder.Info.Tasks.Contains(DefaultTask) ? DefaultTask : null),
                    Dimensions = parse.GetValue(dimensions),
                    Normalize = !parse.GetValue(noNormalize),
                    Truncate = parse.GetValue(truncate),
                    LateChunking = parse.GetValue(lateChunking),
                    Output = multi ? EmbeddingOutput.MultiVector : EmbeddingOutput.SingleVector,
                };

                if (parse.GetValue(document) is { } documentPath)
                {
                    // The whole file is one document: fixed token windows, one late-chunked pass (windows beyond the context).
                    var size = parse.GetValue(chunkSize);
                    if (size < 1)
                    {
                        error.WriteLine("error: --chunk-size must be at least 1.");
                        return ExitCodes.Usage;
                    }

                    var text = await File.ReadAllTextAsync(documentPath, cancellationToken).ConfigureAwait(false);
                    var strategy = ChunkingStrategy.FixedTokens(size);
                    var chunkVectors = multi ? null : embedder.EmbedDocument(text, strategy, options with { LateChunking = true });
                    var chunkMultiVectors = multi ? embedder.EmbedDocumentMultiVectors(text, strategy, options) : null;
                    await using var documentStream = outputPath != null ? files.Create(outputPath) : Console.OpenStandardOutput();
                    await using var documentOffsets = multi && outFormat == OutputFormat.Npy ? files.Create(VectorWriter.OffsetsPath(outputPath!)) : null;
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
                    files.Succeed();
                    return ExitCodes.Success;
                }

                if (imageFiles != null && !embedder.Info.Modalities.Contains("image"))
                {
                    error.WriteLine($"error: --images needs a model that embeds images (jina-embeddings-v4); {embedder.Info.Name} ({embedder.Info.Architecture}) embeds {string.Join(", ", embedder.Info.Modalities)} only.");
                    return ExitCodes.Usage;
                }

                // A file of lines or JSONL is counted first (cheap), so the progress bar can show % and ETA.
                long? total = imageFiles != null ? imageFiles.Count : inputPath != null && inFormat != InputFormat.Csv ? CountItems(inputPath, inFormat) : null;
                using var reader = imageFiles != null ? new StreamReader(Stream.Null) : inputPath != null ? new StreamReader(inputPath) : new StreamReader(Console.OpenStandardInput());
                await using var stream = outputPath != null ? files.Create(outputPath) : Console.OpenStandardOutput();
                await using var offsets = multi && outFormat == OutputFormat.Npy ? files.Create(VectorWriter.OffsetsPath(outputPath!)) : null;
                await using var writer = multi ? VectorWriter.CreateMulti(outFormat, stream, offsets) : VectorWriter.Create(outFormat, stream);
                writer.Names = imageFiles;
                if (imageFiles != null && outFormat == OutputFormat.Npy)
                {
                    await File.WriteAllLinesAsync(files.Reserve(VectorWriter.NamesPath(outputPath!)), imageFiles, cancellationToken).ConfigureAwait(false);
                }

                var progress = quietRun ? null : new EmbedProgress(ProgressRenderer.For(error), total);
                // Requests of 64 texts (8 images: each holds its bytes until embedded), enough of them in flight that
                // the scheduler's batches fill its token budget.
                var pipeline = new EmbedPipeline(embedder.EmbedAsync, options)
                {
                    ItemsPerRequest = imageFiles != null ? 8 : 64,
                    RequestsInFlight = imageFiles != null ? 4 : Math.Clamp(embedder.Options.MaxBatchTokens / (64 * 8), 2, 64),
                    DescribeItem = imageFiles != null ? position => imageFiles[(int)position] : null,
                };
                var inputs = imageFiles != null
                    ? ImageInput.Read(imageFiles)
                    : TextInput.ReadInputs(
                        reader,
                        inFormat,
                        inFormat == InputFormat.Csv ? parse.GetValue(column)! : parse.GetValue(field)!,
                        inputPath != null ? Path.GetDirectoryName(Path.GetFullPath(inputPath)) : null);
                var (items, tokens) = await pipeline.RunAsync(inputs, writer, progress, cancellationToken).ConfigureAwait(false);
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                progress?.Finish(items, tokens);
                files.Succeed();
                return ExitCodes.Success;
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
                // The streams above are closed by now (their scope ended): keep the outputs of a success only.
                files.Finish();
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

    private static long CountItems(string path, InputFormat format) =>
        File.ReadLines(path).LongCount(line => format == InputFormat.Text || !string.IsNullOrWhiteSpace(line));
}
