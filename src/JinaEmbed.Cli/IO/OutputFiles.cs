// Output files of `jinaembed embed` appear only when the run succeeds: each is written under a temporary name beside
// it and renamed at the end, so a failed or cancelled run leaves neither an empty 0×0 .npy nor a half-written JSONL
// (and an older file of the same name stays as it was).
namespace JinaEmbed.Cli.IO;

/// <summary>Files written under temporary names, renamed by <see cref="Finish"/> after success, else deleted.</summary>
internal sealed class OutputFiles
{
    private readonly List<(string Temporary, string Final)> files = [];
    private bool succeeded;

    /// <summary>Creates the file that will become <paramref name="path"/>.</summary>
    public FileStream Create(string path) => File.Create(Reserve(path));

    /// <summary>The temporary path that will become <paramref name="path"/> (for writers that open it themselves).</summary>
    public string Reserve(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        files.Add((temporary, full));
        return temporary;
    }

    /// <summary>Marks the run as successful: <see cref="Finish"/> will keep the files.</summary>
    public void Succeed() => succeeded = true;

    /// <summary>After every stream is closed: renames the files into place on success, else deletes them.</summary>
    public void Finish()
    {
        foreach (var (temporary, final) in files)
        {
            if (!File.Exists(temporary))
            {
                continue;
            }

            if (succeeded)
            {
                File.Move(temporary, final, overwrite: true);
            }
            else
            {
                File.Delete(temporary);
            }
        }

        files.Clear();
    }
}
