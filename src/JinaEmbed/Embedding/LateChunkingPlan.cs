// A late-chunking job (spec §7.4, §7.5): the document's windows to encode and the token span of every chunk;
// Pool turns the windows' token states into one vector per chunk without stitching a [tokens, hidden] copy.
namespace JinaEmbed.Embedding;

/// <summary>
/// The encoder sequences of one late-chunked document and how to pool them. A scheduler may run
/// <see cref="Sequences"/> as ordinary sequences and hand their states to <see cref="Pool"/>.
/// </summary>
public sealed class LateChunkingPlan
{
    private readonly int[] _windowStarts;

    internal LateChunkingPlan(int[] ids, int adapter, (int Start, int End)[] spans, int window, int overlap, int hidden, int dimensions, bool normalize, MultiVectorProjection? multiVectors = null, bool singleVectors = true)
    {
        MultiVectors = multiVectors;
        SingleVectors = singleVectors;
        TokenCount = ids.Length;
        Spans = spans;
        Overlap = overlap;
        HiddenSize = hidden;
        Dimensions = dimensions;
        Normalize = normalize;
        var starts = new List<int>();
        var sequences = new List<LateChunkingSequence>();
        if (ids.Length <= window)
        {
            starts.Add(0);
            sequences.Add(new LateChunkingSequence(ids, adapter));
        }
        else
        {
            // Windows at 0, W−O, 2(W−O), …; a window whose outputs would all be dropped (length ≤ O) is not run.
            for (int start = 0; start < ids.Length; start += window - overlap)
            {
                if (start > 0 && ids.Length - start <= overlap)
                {
                    break;
                }

                starts.Add(start);
                sequences.Add(new LateChunkingSequence(ids[start..Math.Min(ids.Length, start + window)], adapter));
            }
        }

        _windowStarts = [.. starts];
        Sequences = sequences;
    }

    /// <summary>Encoder sequences (one, or overlapping windows sliced from the token ids).</summary>
    public IReadOnlyList<LateChunkingSequence> Sequences { get; }

    /// <summary>Token span [Start, End) of every chunk over the whole document's ids; empty spans pool to zeros.</summary>
    public IReadOnlyList<(int Start, int End)> Spans { get; }

    /// <summary>Tokens of the whole document, specials and prompt included.</summary>
    public int TokenCount { get; }

    /// <summary>Outputs dropped at the start of every window after the first.</summary>
    public int Overlap { get; }

    /// <summary>Width of a token state.</summary>
    public int HiddenSize { get; }

    /// <summary>Matryoshka size of the result vectors.</summary>
    public int Dimensions { get; }

    /// <summary>Whether result vectors are L2-normalised.</summary>
    public bool Normalize { get; }

    /// <summary>Pools the token states of every sequence (in order, each [length, hidden]) into one vector per chunk.</summary>
    public float[][] Pool(IReadOnlyList<float[]> statesPerSequence)
    {
        ArgumentNullException.ThrowIfNull(statesPerSequence);
        if (statesPerSequence.Count != Sequences.Count)
        {
            throw new ArgumentException($"Expected states of {Sequences.Count} sequences, got {statesPerSequence.Count}.", nameof(statesPerSequence));
        }

        var sums = NewSums();
        for (int w = 0; w < Sequences.Count; w++)
        {
            Accumulate(w, statesPerSequence[w], sums);
        }

        return Finish(sums).Vectors;
    }

    /// <summary>Per-chunk running sums in double, for pooling window by window.</summary>
    /// <summary>Projects kept token rows to multi-vectors (null when the request asks for none).</summary>
    internal MultiVectorProjection? MultiVectors { get; }

    /// <summary>Whether pooled single vectors are wanted.</summary>
    internal bool SingleVectors { get; }

    internal LateChunkingSums NewSums() => new(Spans.Select(_ => new double[HiddenSize]).ToArray(), MultiVectors is null ? null : new float[TokenCount * MultiVectors.Dimensions]);

    /// <summary>Adds the kept outputs of window <paramref name="window"/> to the sums of the spans they fall in.</summary>
    internal void Accumulate(int window, ReadOnlySpan<float> states, LateChunkingSums sums)
    {
        int length = Sequences[window].Ids.Length;
        if (states.Length != length * HiddenSize)
        {
            throw new ArgumentException($"Window {window} has {length} tokens but {states.Length} state values were given.", nameof(states));
        }

        int start = _windowStarts[window];
        int keepFrom = window == 0 ? 0 : Overlap;
        if (sums.TokenVectors is { } tokenVectors)
        {
            // Multi-vectors of the kept rows, one per document token (each window's first O rows are dropped).
            var kept = MultiVectors!.Project(states[(keepFrom * HiddenSize)..], length - keepFrom);
            kept.Values.CopyTo(tokenVectors, (start + keepFrom) * kept.Dimensions);
        }

        int span = 0;
        for (int r = keepFrom; r < length; r++)
        {
            int position = start + r;
            while (span < Spans.Count && Spans[span].End <= position)
            {
                span++;
            }

            if (span == Spans.Count)
            {
                break;
            }

            if (position < Spans[span].Start)
            {
                continue;
            }

            var row = states.Slice(r * HiddenSize, HiddenSize);
            var sum = sums.Sums[span];
            for (int i = 0; i < HiddenSize; i++)
            {
                sum[i] += row[i];
            }
        }
    }

    /// <summary>Means, then Matryoshka truncation and optional L2, per chunk.</summary>
    internal (float[][] Vectors, MultiVector[]? MultiVectors) Finish(LateChunkingSums sums)
    {
        var result = new float[SingleVectors ? Spans.Count : 0][];
        for (int c = 0; c < result.Length; c++)
        {
            double count = Math.Max(Spans[c].End - Spans[c].Start, 1e-9);
            var mean = new float[HiddenSize];
            for (int i = 0; i < HiddenSize; i++)
            {
                mean[i] = (float)(sums.Sums[c][i] / count);
            }

            result[c] = Matryoshka.Apply(mean, Dimensions, Normalize);
        }

        MultiVector[]? multi = null;
        if (sums.TokenVectors is { } tokenVectors)
        {
            // Each chunk gets the token vectors of its own span (v4 spec §10.6).
            multi = new MultiVector[Spans.Count];
            for (int c = 0; c < multi.Length; c++)
            {
                var (first, end) = Spans[c];
                int width = MultiVectors!.Dimensions;
                multi[c] = new MultiVector(tokenVectors[(first * width)..(end * width)], width);
            }
        }

        return (result, multi);
    }
}
