// STS Benchmark evaluation (issue #9, docs/models.md): read the tab-separated release files, embed every distinct
// sentence once, and correlate the cosine of each pair with the gold score (Spearman ×100, as sentence-transformers).
using System.Diagnostics;
using System.Globalization;
using JinaEmbed.Embedding;

namespace JinaEmbed.Evaluation;

/// <summary>Loads STS Benchmark files and scores an embedder on them.</summary>
public static class StsBenchmark
{
    /// <summary>
    /// Reads genre, file, year, id, score, sentence 1, sentence 2 (tab-separated; extra trailing columns ignored).
    /// </summary>
    /// <exception cref="FormatException">A line has fewer than 7 columns or a bad score.</exception>
    public static IReadOnlyList<StsPair> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pairs = new List<StsPair>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length < 7 || !double.TryParse(columns[4], NumberStyles.Float, CultureInfo.InvariantCulture, out double score))
            {
                throw new FormatException($"{path}:{lineNumber}: expected genre, file, year, id, score, sentence1, sentence2 separated by tabs.");
            }

            pairs.Add(new StsPair(columns[5], columns[6], score));
        }

        return pairs;
    }

    /// <summary>Embeds the distinct sentences in batches and returns the correlations of pair cosines with gold scores.</summary>
    public static StsResult Evaluate(Embedder embedder, IReadOnlyList<StsPair> pairs, EmbedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(pairs);
        options ??= new EmbedOptions { Truncate = true };
        var clock = Stopwatch.StartNew();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var sentences = new List<string>();
        foreach (var pair in pairs)
        {
            foreach (var s in new[] { pair.First, pair.Second })
            {
                if (index.TryAdd(s, sentences.Count))
                {
                    sentences.Add(s);
                }
            }
        }

        var vectors = embedder.Embed(sentences, options);
        var cosines = new double[pairs.Count];
        var gold = new double[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            cosines[i] = Cosine(vectors[index[pairs[i].First]], vectors[index[pairs[i].Second]]);
            gold[i] = pairs[i].Score;
        }

        clock.Stop();
        return new StsResult(pairs.Count, sentences.Count, 100 * Correlation.Spearman(cosines, gold), 100 * Correlation.Pearson(cosines, gold), clock.Elapsed);
    }

    /// <summary>Cosine similarity in double precision (0 when a vector is zero).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
