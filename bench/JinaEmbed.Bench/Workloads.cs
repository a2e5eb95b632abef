// Synthetic token sequences for the benchmark: [CLS] random ids [SEP], deterministic per length.
namespace JinaEmbed.Bench;

/// <summary>Builds benchmark inputs.</summary>
internal static class Workloads
{
    private const int Cls = 0, Eos = 2, FirstOrdinaryId = 1000, VocabularySize = 250002;

    /// <summary><paramref name="count"/> sequences of <paramref name="length"/> tokens (specials included).</summary>
    public static List<int[]> Sequences(int count, int length, int seed)
    {
        var random = new Random(seed);
        var result = new List<int[]>(count);
        for (int s = 0; s < count; s++)
        {
            var ids = new int[length];
            for (int t = 0; t < length; t++)
            {
                ids[t] = random.Next(FirstOrdinaryId, VocabularySize);
            }

            ids[0] = Cls;
            ids[^1] = Eos;
            result.Add(ids);
        }

        return result;
    }
}
