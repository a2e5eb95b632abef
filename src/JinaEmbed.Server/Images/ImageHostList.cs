// The image URL host allow-list (spec jina-embeddings-v4.md §7.7): exact host names or "*.suffix" patterns.
namespace JinaEmbed.Server;

/// <summary>Parsed <see cref="ServerOptions.ImageUrlHosts"/>; matching is case-insensitive and ignores a trailing dot.</summary>
internal sealed class ImageHostList
{
    private readonly HashSet<string> exact;
    private readonly string[] suffixes;

    private ImageHostList(HashSet<string> exact, string[] suffixes)
    {
        this.exact = exact;
        this.suffixes = suffixes;
    }

    /// <summary>Whether no host at all is allowed.</summary>
    public bool IsEmpty => exact.Count == 0 && suffixes.Length == 0;

    /// <summary>The entries as configured (normalised), for /info.</summary>
    public IReadOnlyList<string> Entries => [.. exact.Order(StringComparer.Ordinal), .. suffixes.Select(s => "*" + s)];

    /// <summary>Reads the entries; each may hold several names separated by commas.</summary>
    /// <exception cref="ArgumentException">An entry that is not a host name or <c>*.suffix</c> (a URL, a port, a bare <c>*</c>).</exception>
    public static ImageHostList Parse(IEnumerable<string> entries)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var suffixes = new List<string>();
        foreach (var raw in entries.SelectMany(e => (e ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var entry = Normalize(raw);
            bool wildcard = entry.StartsWith("*.", StringComparison.Ordinal);
            var name = wildcard ? entry[2..] : entry;
            if (name.Length == 0 || name.Contains('*') || Uri.CheckHostName(name.Trim('[', ']')) == UriHostNameType.Unknown)
            {
                throw new ArgumentException(
                    $"ImageUrlHosts entry '{raw}' is not a host name or '*.domain' pattern (no scheme, port or path; '*' alone is not allowed).",
                    nameof(ServerOptions.ImageUrlHosts));
            }

            if (wildcard)
            {
                suffixes.Add("." + name);
            }
            else
            {
                exact.Add(name);
            }
        }

        return new ImageHostList(exact, [.. suffixes.Distinct()]);
    }

    /// <summary>Whether <paramref name="host"/> (as in a URL) is allowed.</summary>
    public bool Allows(string host)
    {
        var name = Normalize(host);
        return exact.Contains(name) || suffixes.Any(s => name.Length > s.Length && name.EndsWith(s, StringComparison.Ordinal));
    }

    private static string Normalize(string host) => host.Trim().TrimEnd('.').ToLowerInvariant();
}
