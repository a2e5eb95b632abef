// The output files of one `jinaembed embed` run, and what becomes of them when it ends. Two kinds:
// - staged (--document): written under a temporary name beside the file and renamed at the end, so a failed or
//   cancelled run leaves neither an empty 0×0 .npy nor a half-written JSONL (an older file of the name stays as it was);
// - in place (the row-by-row runs, which --resume continues): written under their own names; an older file of the name
//   is moved aside while the run has written nothing, and a run that fails before its first row removes what it
//   created and brings the older files back, while one that wrote rows keeps them (and the .progress beside them).
namespace JinaEmbed.Cli.IO;

/// <summary>A run's output files: staged ones renamed on success, in-place ones kept once rows exist.</summary>
internal sealed class OutputFiles
{
    private readonly List<(string Temporary, string Final)> _staged = [];
    private readonly List<string> _inPlace = [];
    private readonly List<(string Aside, string Path)> _setAside = [];
    private bool _succeeded;

    /// <summary>Creates the staged file that will become <paramref name="path"/>.</summary>
    public FileStream Create(string path) => File.Create(Reserve(path));

    /// <summary>The temporary path that will become <paramref name="path"/> (for writers that open it themselves).</summary>
    public string Reserve(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        _staged.Add((temporary, full));
        return temporary;
    }

    /// <summary>
    /// Announces a file the run will write in place at <paramref name="path"/>: an existing one moves to a hidden name
    /// beside it until <see cref="Finish"/> says whether the run kept its rows.
    /// </summary>
    public void ClaimInPlace(string path)
    {
        var full = Path.GetFullPath(path);
        if (_inPlace.Contains(full))
        {
            return;
        }

        _inPlace.Add(full);
        if (File.Exists(full))
        {
            var aside = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.previous");
            File.Move(full, aside);
            _setAside.Add((aside, full));
        }
    }

    /// <summary>Marks the run as successful: <see cref="Finish"/> will keep every file.</summary>
    public void Succeed() => _succeeded = true;

    /// <summary>
    /// After every stream is closed. Staged files are renamed into place on success, else deleted. In-place files stay
    /// when the run succeeded or <paramref name="keepInPlace"/> (rows were written, or a resumable run got under way) and
    /// the older files set aside are dropped; otherwise they are deleted and the older files come back.
    /// </summary>
    public void Finish(bool keepInPlace = false)
    {
        foreach (var (temporary, final) in _staged)
        {
            if (!File.Exists(temporary))
            {
                continue;
            }

            if (_succeeded)
            {
                File.Move(temporary, final, overwrite: true);
            }
            else
            {
                File.Delete(temporary);
            }
        }

        bool keep = _succeeded || keepInPlace;
        if (!keep)
        {
            _inPlace.ForEach(File.Delete);
        }

        foreach (var (aside, path) in _setAside)
        {
            if (keep)
            {
                File.Delete(aside);
            }
            else
            {
                File.Move(aside, path, overwrite: true);
            }
        }

        _staged.Clear();
        _inPlace.Clear();
        _setAside.Clear();
    }
}
