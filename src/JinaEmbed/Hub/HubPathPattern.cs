// Glob patterns over repository paths, like huggingface_hub's allow_patterns: '*' and '?' never cross a '/'.
namespace JinaEmbed.Hub;

internal static class HubPathPattern
{
    public static bool MatchesAny(string path, IEnumerable<string> patterns) => patterns.Any(p => Matches(path, p));

    public static bool Matches(string path, string pattern)
    {
        int p = 0, s = 0, starP = -1, starS = -1;
        while (s < path.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starS = s;
            }
            else if (p < pattern.Length && (pattern[p] == path[s] || (pattern[p] == '?' && path[s] != '/')))
            {
                p++;
                s++;
            }
            else if (starP >= 0 && path[starS] != '/')
            {
                // Let the last '*' swallow one more character, never a folder separator.
                p = starP + 1;
                s = ++starS;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
