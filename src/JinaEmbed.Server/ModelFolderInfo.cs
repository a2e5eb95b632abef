// Name and revision of a model folder as the server reports them: a Hugging Face cache snapshot
// (…/models--org--name/snapshots/<commit>) is named after its repository and pinned to its commit.
namespace JinaEmbed.Server;

/// <summary>What a model folder's path says about the model.</summary>
internal sealed record ModelFolderInfo(string Name, string? Revision)
{
    public static ModelFolderInfo FromPath(string modelDirectory)
    {
        var folder = new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory)));
        if (folder.Parent is { Name: "snapshots" } snapshots && snapshots.Parent is { } repository)
        {
            var name = repository.Name.StartsWith("models--", StringComparison.Ordinal) ? repository.Name["models--".Length..].Split("--")[^1] : repository.Name;
            return new ModelFolderInfo(name, folder.Name);
        }

        return new ModelFolderInfo(folder.Name, null);
    }
}
