// jinaembed tokenize: lines (or JSONL {"text": ...}) on stdin → JSONL {"ids": [...], "offsets": [[s, e], ...]} (issue #2).
// --task prepends the task's prompt (jina-embeddings-v4: "Query: " / "Passage: "), so the ids are those embed runs.
using System.CommandLine;
using System.Text;
using System.Text.Json;
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Hub;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed tokenize</c>: lines or JSONL on stdin → JSONL ids and offsets (issue #2).</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizerOption = new Option<string>("--tokenizer")
        {
            Description = "Path to a Hugging Face tokenizer.json (or a folder containing one); default: the --model's.",
        };
        var noSpecialOption = new Option<bool>("--no-special-tokens")
        {
            Description = "Do not add the post-processor's special tokens (e.g. <s> and </s>).",
        };
        var maxLengthOption = new Option<int?>("--max-length")
        {
            Description = "Truncate to at most this many tokens, special tokens included (kept).",
        };
        var taskOption = new Option<string?>("--task", "-t")
        {
            Description = "Prepend this task's prompt to every text, as embed does (jina-embeddings-v4: \"Query: \" or \"Passage: \"); offsets then index into prompt + text",
        };
        var command = new Command("tokenize", "Tokenize lines (or JSONL {\"text\": ...}) from stdin into JSONL ids and offsets.");
        command.Options.Add(tokenizerOption);
        command.Options.Add(noSpecialOption);
        command.Options.Add(maxLengthOption);
        command.Options.Add(taskOption);
        var model = new ModelOptions();
        model.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(tokenizerOption);
            if (path == null)
            {
                // --model (a folder or a hub id): only the tokenizer and the JSON configs are fetched, not the weights.
                try
                {
                    path = await model.ResolveAsync(parse, quiet: false, cancellationToken, allowPatterns: ["*.json"]);
                }
                catch (HubException e)
                {
                    return ExitCodes.Report(e, parse.InvocationConfiguration.Error);
                }
            }

            if (Directory.Exists(path))
            {
                path = Path.Combine(path, "tokenizer.json");
            }

            var prompt = "";
            if (parse.GetValue(taskOption) is { } task)
            {
                // The prompt lives in the model folder's config (the tokenizer's folder, or --model's).
                var error = TaskPrompt(Path.GetDirectoryName(Path.GetFullPath(path))!, task, out prompt);
                if (error != null)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"error: {error}");
                    return ExitCodes.Usage;
                }
            }

            Tokenizer tokenizer;
            try
            {
                tokenizer = Tokenizer.FromFile(path);
            }
            catch (TokenizerLoadException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 2;
            }

            using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            using var stdout = Console.OpenStandardOutput();
            Run(tokenizer, stdin, stdout, !parse.GetValue(noSpecialOption), parse.GetValue(maxLengthOption), prompt);
            return 0;
        });
        return command;
    }

    /// <summary>The prompt of <paramref name="task"/> from the model folder's config, or the error to print.</summary>
    internal static string? TaskPrompt(string modelDirectory, string task, out string prompt)
    {
        prompt = "";
        ModelFacts facts;
        try
        {
            facts = ModelFacts.Read(modelDirectory);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or JinaEmbed.Checkpoints.CheckpointException)
        {
            return $"--task needs the model's config.json beside tokenizer.json: {e.Message}";
        }

        if (task == "none" && !facts.IsJinaV4)
        {
            return null; // the base model: no prompt
        }

        foreach (var (name, _, taskPrompt) in facts.Tasks)
        {
            if (name == task)
            {
                prompt = taskPrompt;
                return null;
            }
        }

        var valid = string.Join(", ", facts.Tasks.Select(t => t.Task));
        return facts.IsJinaV4
            ? $"Unknown task '{task}'; valid tasks are {valid} (jina-embeddings-v4 has no base-model mode)."
            : $"Unknown task '{task}'; valid tasks are {(valid.Length > 0 ? valid + " and none" : "none (this model has no tasks)")}.";
    }

    /// <summary>
    /// Tokenizes every input line, after <paramref name="prompt"/>; a line that is a JSON object with a string "text"
    /// uses that text.
    /// </summary>
    internal static void Run(Tokenizer tokenizer, TextReader input, Stream output, bool addSpecialTokens, int? maxLength = null, string prompt = "")
    {
        using var buffered = new BufferedStream(output, 1 << 16);
        using var writer = new Utf8JsonWriter(buffered, new JsonWriterOptions { SkipValidation = true });
        while (input.ReadLine() is { } line)
        {
            var text = prompt + TextOf(line);
            var encoding = maxLength is { } max ? tokenizer.Encode(text, addSpecialTokens, max) : tokenizer.Encode(text, addSpecialTokens);
            writer.WriteStartObject();
            writer.WriteStartArray("ids");
            foreach (var id in encoding.Ids)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("offsets");
            foreach (var (s, e) in encoding.Offsets)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(s);
                writer.WriteNumberValue(e);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            buffered.WriteByte((byte)'\n');
            writer.Reset();
        }

        writer.Flush();
        buffered.Flush();
    }

    private static string TextOf(string line)
    {
        var trimmed = line.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return line;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                return t.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: tokenize the line as it is.
        }

        return line;
    }
}
