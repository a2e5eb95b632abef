// `jinaembed embed`: texts or token ids (lines, JSONL {"text"} / {"input_ids"}, a CSV column) → vectors (JSONL, .npy, CSV),
// streamed in groups so memory stays flat on large inputs (issue #3; formats and progress of issue #7).
using System.CommandLine;
using System.Text.Json;
using JinaEmbed.Checkpoints;
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Cli.IO;
using JinaEmbed.Cli.Progress;
using JinaEmbed.Embedding;
using JinaEmbed.Hub;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed embed</c>.</summary>
internal static class EmbedCommand
{
    // Items embedded per library call: enough to fill batches, small enough to stream.
    private const int GroupSize = 256;

    public static Command Create()
    {
        var command = new Command("embed", "Embed texts into vectors (JSONL out).");
        var model = new ModelOptions();
        model.AddTo(command);
        var task = new Option<string?>("--task", "-t") { Description = "Task adapter (retrieval.query, retrieval.passage, separation, classification, text-matching) or none", HelpName = "task|none" };
        var dimensions = new Option<int?>("--dimensions", "-d") { Description = "Matryoshka size: keep the first N dimensions (1..hidden size)", HelpName = "N" };
        var noNormalize = new Option<bool>("--no-normalize") { Description = "Do not L2-normalise the vectors" };
        var truncate = new Option<bool>("--truncate") { Description = "Cut inputs longer than the model's maximum instead of failing" };
        var lateChunking = new Option<bool>("--late-chunking") { Description = "Treat all input texts as chunks of one document (one vector per chunk)" };
        var input = new Option<string?>("--input", "-i") { Description = "Input file (default stdin): text lines, .jsonl/.ndjson ({\"text\": …} or {\"input_ids\": […]}), or .csv", HelpName = "file" };
        var output = new Option<string?>("--output", "-o") { Description = "Output file (default stdout): JSONL, or .npy / .csv by extension", HelpName = "file" };
        var format = new Option<InputFormat?>("--format") { Description = "Input format when the file name does not say (text, jsonl, csv)" };
        var field = new Option<string>("--field") { Description = "JSONL text field or CSV column", DefaultValueFactory = _ => "text" };
        var threads = new Option<int>("--threads") { Description = "Compute threads (default: one per core)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress line" };
        foreach (var option in new Option[] { task, dimensions, noNormalize, truncate, lateChunking, input, output, format, field, threads, quiet })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var directory = await model.ResolveAsync(parse, parse.GetValue(quiet), cancellationToken).ConfigureAwait(false);
                using var embedder = Embedder.Load(directory, new EmbedderOptions { Threads = parse.GetValue(threads) });
                var options = new EmbedOptions
                {
                    Task = parse.GetValue(task),
                    Dimensions = parse.GetValue(dimensions),
                    Normalize = !parse.GetValue(noNormalize),
                    Truncate = parse.GetValue(truncate),
                    LateChunking = parse.GetValue(lateChunking),
                };
                string? inputPath = parse.GetValue(input), outputPath = parse.GetValue(output);
                var inputFormat = parse.GetValue(format) ?? TextInput.FromExtension(inputPath);
                using var reader = inputPath is null or "-" ? Console.In : new StreamReader(inputPath);
                await using var stream = outputPath is null or "-" ? Console.OpenStandardOutput() : File.Create(outputPath);
                await using var writer = VectorWriter.Create(VectorWriter.FromExtension(outputPath), stream);
                var progress = parse.GetValue(quiet) ? null : new EmbedProgress(ProgressRenderer.For(error), null);
                var items = ReadItems(reader, inputFormat, parse.GetValue(field)!);
                long done = 0, tokens = 0;

                // Late chunking needs the whole document in one request; otherwise stream fixed-size groups.
                var groups = options.LateChunking ? [items.ToArray()] : items.Chunk(GroupSize);
                foreach (var group in groups)
                {
                    var result = embedder.Embed(new EmbeddingRequest(group, options));
                    foreach (var vector in result.Embeddings)
                    {
                        await writer.WriteAsync(vector, cancellationToken).ConfigureAwait(false);
                    }

                    done += group.Length;
                    tokens += result.TokenCount;
                    progress?.Report(done, tokens);
                }

                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                progress?.Finish(done, tokens);
                return ExitCodes.Success;
            }
            catch (HubException e)
            {
                return ExitCodes.Report(e, error);
            }
            catch (EmbeddingException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is CheckpointException or TokenizerLoadException or InvalidDataException or IOException)
            {
                error.WriteLine($"error: {e.Message}");
                return e is CheckpointException or TokenizerLoadException ? ExitCodes.Corrupt : ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>Reads items: JSONL lines may be a string, {"text": …} or {"input_ids": […]}; other formats give texts.</summary>
    internal static IEnumerable<EmbeddingInput> ReadItems(TextReader reader, InputFormat format, string field)
    {
        if (format != InputFormat.Jsonl)
        {
            foreach (var text in TextInput.Read(reader, format, field))
            {
                yield return EmbeddingInput.FromText(text);
            }

            yield break;
        }

        int number = 0;
        for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            EmbeddingInput? item;
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                item = root.ValueKind switch
                {
                    JsonValueKind.String => EmbeddingInput.FromText(root.GetString()!),
                    JsonValueKind.Object when root.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String => EmbeddingInput.FromText(text.GetString()!),
                    JsonValueKind.Object when root.TryGetProperty("input_ids", out var ids) && ids.ValueKind == JsonValueKind.Array
                        && ids.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out _)) => EmbeddingInput.FromTokenIds(ids.EnumerateArray().Select(v => v.GetInt32()).ToArray()),
                    _ => null,
                };
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"JSONL line {number} is not valid JSON: {e.Message}", e);
            }

            yield return item ?? throw new InvalidDataException($"JSONL line {number} has neither a string field \"{field}\" nor an integer array \"input_ids\".");
        }
    }
}
