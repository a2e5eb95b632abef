// Turns the Model setting (a local folder or a Hugging Face hub id) into a local model folder.
namespace JinaEmbed.Integration;

internal static class ModelLocator
{
    /// <summary>The folder itself when it exists; otherwise the hub id's files.</summary>
    /// <exception cref="DirectoryNotFoundException">Not a folder, and not resolvable as a hub id.</exception>
    internal static string Resolve(string model)
    {
        if (Directory.Exists(model))
        {
            return model;
        }

        // TODO(#8): resolve hub ids through the hub client once it lands (ModelSource.ResolveAsync).
        throw new DirectoryNotFoundException($"Model folder not found: {model}");
    }
}
