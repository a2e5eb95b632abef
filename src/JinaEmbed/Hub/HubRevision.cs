// The hub's answer to GET /api/models/{repo}/revision/{revision}: the commit and the files it holds.
namespace JinaEmbed.Hub;

/// <summary>A revision resolved by the hub.</summary>
/// <param name="Commit">The 40-hex commit (<c>sha</c>).</param>
/// <param name="Files">Every repository path of that commit (<c>siblings[].rfilename</c>).</param>
public sealed record HubRevision(string Commit, IReadOnlyList<string> Files);
