// `jinaembed download`: fetch a model into the Hugging Face cache (like `huggingface-cli download`) and print the
// snapshot directory on stdout, so `--model "$(jinaembed download)"` works offline later (issue #7).
using System.CommandLine;
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Hub;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed download</c> (issue #7).</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var command = new Command("download", "Download a model from the Hugging Face hub into the cache and print its directory.");
        var model = new ModelOptions();
        model.AddTo(command);
        var positional = new Argument<string?>("model")
        {
            Description = "Hub id org/name[@revision] (same as --model)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar" };
        command.Arguments.Add(positional);
        command.Options.Add(quiet);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var id = parse.GetValue(positional) ?? parse.GetValue(model.Model)!;
                var directory = await model.ResolveAsync(parse, parse.GetValue(quiet), cancellationToken, id).ConfigureAwait(false);
                parse.InvocationConfiguration.Output.WriteLine(directory);
                return ExitCodes.Success;
            }
            catch (HubException e)
            {
                return ExitCodes.Report(e, parse.InvocationConfiguration.Error);
            }
        });
        return command;
    }
}
