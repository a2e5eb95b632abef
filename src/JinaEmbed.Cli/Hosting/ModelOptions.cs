// The --model option every command shares (a local directory or a hub id org/name[@revision]) and the hub settings
// beside it; resolves the model through the library's ModelSource with a download progress bar on stderr (issue #7).
using System.CommandLine;
using JinaEmbed.Cli.Progress;
using JinaEmbed.Hub;

namespace JinaEmbed.Cli.Hosting;

/// <summary>--model, --cache-dir, --endpoint and --offline, added to a command together.</summary>
internal sealed class ModelOptions
{
    public ModelOptions(string? defaultModel = ModelSource.DefaultModel)
    {
        Model = new Option<string>("--model", "-m")
        {
            Description = "A local model directory, or a hub id org/name[@revision] downloaded into the Hugging Face cache",
            HelpName = "dir|org/name[@rev]",
        };
        if (defaultModel != null)
        {
            Model.DefaultValueFactory = _ => defaultModel;
        }
        else
        {
            Model.Required = true;
        }
    }

    public Option<string> Model { get; }

    public Option<string?> CacheDirectory { get; } = new("--cache-dir")
    {
        Description = "Hugging Face hub cache folder (default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)",
        HelpName = "dir",
    };

    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = "Hub URL (default: $HF_ENDPOINT, else https://huggingface.co)",
        HelpName = "url",
    };

    public Option<bool> Offline { get; } = new("--offline")
    {
        Description = "Use the cache only, never the network (same as HF_HUB_OFFLINE=1)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        AddHubOptionsTo(command);
    }

    /// <summary>Adds --cache-dir, --endpoint and --offline only (for a command that defines its own --model).</summary>
    public void AddHubOptionsTo(Command command)
    {
        command.Options.Add(CacheDirectory);
        command.Options.Add(Endpoint);
        command.Options.Add(Offline);
    }

    /// <summary>The hub settings from the environment (HF_*) with this command's flags on top.</summary>
    public HubOptions HubOptions(ParseResult parse)
    {
        var options = JinaEmbed.Hub.HubOptions.FromEnvironment();
        if (parse.GetValue(CacheDirectory) is { Length: > 0 } cache)
        {
            options = options with { CacheDirectory = Path.GetFullPath(cache) };
        }

        if (parse.GetValue(Endpoint) is { Length: > 0 } endpoint)
        {
            options = options with { Endpoint = endpoint.TrimEnd('/') };
        }

        if (parse.GetValue(Offline))
        {
            options = options with { Offline = true };
        }

        return options;
    }

    /// <summary>The model directory: the local folder, or the hub snapshot (downloaded with progress on stderr when missing).</summary>
    /// <param name="allowPatterns">Hub files to fetch when fewer than the whole model are needed (tokenize: the JSON files).</param>
    public async Task<string> ResolveAsync(ParseResult parse, bool quiet, CancellationToken cancellationToken, string? model = null, IReadOnlyList<string>? allowPatterns = null)
    {
        model ??= parse.GetValue(Model)!;
        var progress = quiet ? null : new DownloadProgress(ProgressRenderer.For(parse.InvocationConfiguration.Error));
        var options = HubOptions(parse);
        if (allowPatterns != null)
        {
            options = options with { AllowPatterns = allowPatterns };
        }

        var directory = await ModelSource.ResolveAsync(model, options, progress, cancellationToken).ConfigureAwait(false);
        progress?.Finish(directory);
        return directory;
    }
}
