// `jinaembed eval sts --model DIR --data FILE.csv` (issue #9): Spearman ×100 of cosine similarity against the gold
// scores of an STS Benchmark file, with Pearson and pairs/s. The task is checked by the library against the model's own
// table (jina-embeddings-v4: its five tasks, default text-matching, no "none").
using System.CommandLine;
using System.Globalization;
using JinaEmbed.Checkpoints;
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Embedding;
using JinaEmbed.Evaluation;
using JinaEmbed.Hub;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed eval</c> (issue #9).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a model (STS Benchmark).");
        var sts = new Command("sts", "Spearman correlation (x100) of cosine similarities with STS Benchmark gold scores.");
        var model = new ModelOptions(defaultModel: null);
        var data = new Option<string>("--data") { Description = "STS Benchmark file (tab-separated, e.g. sts-test.csv)", Required = true };
        var task = new Option<string?>("--task") { Description = "Task (adapter or prompt name, e.g. text-matching); default: the model's default (jina-embeddings-v4: text-matching)" };
        var threads = new Option<int>("--threads") { Description = "Compute threads (0: one per core)" };
        var precision = PrecisionOption.Create();
        model.AddTo(sts);
        sts.Options.Add(data);
        sts.Options.Add(task);
        sts.Options.Add(threads);
        sts.Options.Add(precision);
        sts.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var pairs = StsBenchmark.Load(parse.GetValue(data)!);
                var directory = await model.ResolveAsync(parse, quiet: false, cancellationToken).ConfigureAwait(false);
                var precisionValue = PrecisionOption.Parse(parse.GetValue(precision)) ?? Compute.Precision.Exact;
                PrecisionOption.WarnIfSlow(precisionValue, parse.InvocationConfiguration.Error);
                using var embedder = Embedder.Load(directory, new EmbedderOptions { Threads = parse.GetValue(threads), Precision = precisionValue });
                var result = StsBenchmark.Evaluate(embedder, pairs, new EmbedOptions { Task = parse.GetValue(task), Truncate = true });
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pairs        {result.Pairs} ({result.UniqueSentences} distinct sentences)"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spearman     {result.Spearman:F2}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pearson      {result.Pearson:F2}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds      {result.Elapsed.TotalSeconds:F2}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pairs/s      {result.PairsPerSecond:F1}"));
                return ExitCodes.Success;
            }
            catch (HubException e)
            {
                return ExitCodes.Report(e, parse.InvocationConfiguration.Error);
            }
            catch (EmbeddingException e) when (e.Kind is EmbeddingErrorKind.InvalidTask or EmbeddingErrorKind.InvalidDimensions)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is CheckpointException or TokenizerLoadException or EmbeddingException or FormatException or IOException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        command.Subcommands.Add(sts);
        return command;
    }
}
