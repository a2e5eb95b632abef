// "Unigram" model (spec §2.2 step 4): Viterbi over a trie of the pieces, maximizing the sum of log-prob scores.
// A code point that starts no piece gets an unknown edge scored min_score − 10; runs of unknowns fuse into one <unk>,
// or into <0xXX> byte pieces when byte_fallback is declared. Ties keep the first candidate found, as HF does.
using System.Text;

namespace JinaEmbed.Tokenization.Models;

internal sealed class UnigramModel : TokenizerModel
{
    private const double UnknownPenalty = 10.0;

    private readonly string[] _pieces;
    private readonly double[] _scores;
    private readonly PieceTrie _trie;
    private readonly int _unkId;
    private readonly bool _byteFallback;
    private readonly double _unkScore;
    private readonly int[]? _byteIds;

    // Direct-mapped cache of recent words → segmentation (HF caches Unigram results too). Entries are immutable and
    // replaced whole, so concurrent readers see either the old or the new entry.
    // An entry is one int[]: [hash, length, count, chars..., token ends..., token ids...] (one object, few cache lines).
    private readonly int[]?[] _cache = new int[]?[1 << 15];

    public UnigramModel(string[] pieces, double[] scores, int? unkId, bool byteFallback)
    {
        _pieces = pieces;
        _scores = scores;
        _byteFallback = byteFallback;
        var indices = new int[pieces.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        _trie = new PieceTrie(pieces, indices);
        var min = double.MaxValue;
        for (var i = 0; i < pieces.Length; i++)
        {
            min = Math.Min(min, scores[i]);
        }

        _unkScore = (pieces.Length == 0 ? 0 : min) - UnknownPenalty;
        _unkId = unkId ?? -1;
        if (byteFallback)
        {
            _byteIds = new int[256];
            for (var b = 0; b < 256; b++)
            {
                _byteIds[b] = _trie.Find($"<0x{b:X2}>");
            }
        }
    }

    /// <summary>True when any text can be encoded: an unknown piece becomes unk_id, or its bytes &lt;0xXX&gt; pieces.</summary>
    internal bool EncodesEveryText => _unkId >= 0 || (_byteIds != null && Array.TrueForAll(_byteIds, id => id >= 0));

    public override int VocabularySize => _pieces.Length;

    public int UnkId => _unkId;

    public override int? TokenToId(string token) => _trie.Find(token) is var id and >= 0 ? id : null;

    public override string? IdToToken(int id) => (uint)id < (uint)_pieces.Length ? _pieces[id] : null;

    public override void Tokenize(NormalizedText text, int start, int end, TokenBuffer output)
    {
        var n = end - start;
        if (n <= 0)
        {
            return;
        }

        var chars = text.RawChars;
        uint hash = 2166136261;
        if (n <= MaxCachedLength)
        {
            for (var k = start; k < end; k++)
            {
                hash = (hash ^ chars[k]) * 16777619;
            }

            var entry = Volatile.Read(ref _cache[hash & (_cache.Length - 1)]);
            if (entry != null && entry[0] == (int)hash && entry[1] == n && SameWord(entry, chars, start, n))
            {
                EmitCached(text, start, entry, output);
                return;
            }
        }

        var scratch = Lattice.Get(n + 1);
        var best = scratch.Score;
        var from = scratch.From;
        var ids = scratch.Id;
        for (var k = 0; k <= n; k++)
        {
            from[k] = -1;
        }

        best[0] = 0;
        var trie = _trie;
        var scores = _scores;
        var i = 0;
        while (i < n)
        {
            var c0 = chars[start + i];
            var cpLen = char.IsHighSurrogate(c0) && i + 1 < n && char.IsLowSurrogate(chars[start + i + 1]) ? 2 : 1;
            var baseScore = best[i];
            var hasSingle = false;
            var node = PieceTrie.Root;
            for (var j = i; j < n; j++)
            {
                node = trie.Child(node, chars[start + j]);
                if (node == 0)
                {
                    break;
                }

                var id = trie.Value(node);
                if (id < 0)
                {
                    continue;
                }

                var keyPos = j + 1;
                var candidate = baseScore + scores[id];
                if (from[keyPos] < 0 || candidate > best[keyPos])
                {
                    best[keyPos] = candidate;
                    from[keyPos] = i;
                    ids[keyPos] = id;
                }

                if (keyPos - i == cpLen)
                {
                    hasSingle = true;
                }
            }

            if (!hasSingle)
            {
                var keyPos = i + cpLen;
                var candidate = baseScore + _unkScore;
                if (from[keyPos] < 0 || candidate > best[keyPos])
                {
                    best[keyPos] = candidate;
                    from[keyPos] = i;
                    ids[keyPos] = -1;
                }
            }

            i += cpLen;
        }

        // Backtrack into (start, end, id) triples, fusing consecutive unknown edges.
        var path = scratch.Path;
        var count = 0;
        var pos = n;
        while (pos > 0)
        {
            var s = from[pos];
            var id = ids[pos];
            var isUnk = id < 0 || id == _unkId;
            if (isUnk && count > 0 && path[(count - 1) * 3 + 2] < 0)
            {
                path[(count - 1) * 3] = s;
            }
            else
            {
                path[count * 3] = s;
                path[count * 3 + 1] = pos;
                path[count * 3 + 2] = isUnk ? -1 : id;
                count++;
            }

            pos = s;
        }

        // Reverse into token order.
        var tokStarts = scratch.TokStart;
        var tokEnds = scratch.TokEnd;
        var tokIds = scratch.TokId;
        for (var t = 0; t < count; t++)
        {
            var src = count - 1 - t;
            tokStarts[t] = path[src * 3];
            tokEnds[t] = path[(src * 3) + 1];
            tokIds[t] = path[(src * 3) + 2];
        }

        Emit(text, start, tokStarts, tokEnds, tokIds, count, output);
        if (n <= MaxCachedLength)
        {
            var entry = new int[3 + n + (2 * count)];
            entry[0] = (int)hash;
            entry[1] = n;
            entry[2] = count;
            for (var k = 0; k < n; k++)
            {
                entry[3 + k] = chars[start + k];
            }

            Array.Copy(tokEnds, 0, entry, 3 + n, count);
            Array.Copy(tokIds, 0, entry, 3 + n + count, count);
            Volatile.Write(ref _cache[hash & (_cache.Length - 1)], entry);
        }
    }

    private static bool SameWord(int[] entry, char[] chars, int start, int n)
    {
        for (var k = 0; k < n; k++)
        {
            if (entry[3 + k] != chars[start + k])
            {
                return false;
            }
        }

        return true;
    }

    private void EmitCached(NormalizedText text, int start, int[] entry, TokenBuffer output)
    {
        var n = entry[1];
        var count = entry[2];
        var starts = text.Starts;
        var ends = text.Ends;
        var s = 0;
        for (var t = 0; t < count; t++)
        {
            var e = entry[3 + n + t];
            var id = entry[3 + n + count + t];
            if (id >= 0)
            {
                output.Add(id, starts[start + s], ends[start + e - 1]);
            }
            else
            {
                EmitUnknown(new string(text.RawChars, start + s, e - s), starts[start + s], ends[start + e - 1], output);
            }

            s = e;
        }
    }

    private const int MaxCachedLength = 48;

    /// <summary>Appends tokens given as word-relative [start, end) with ids (-1 = unknown piece).</summary>
    private void Emit(NormalizedText text, int start, int[] tokStarts, int[] tokEnds, int[] tokIds, int count, TokenBuffer output)
    {
        var starts = text.Starts;
        var ends = text.Ends;
        for (var t = 0; t < count; t++)
        {
            var s = tokStarts[t];
            var e = tokEnds[t];
            var id = tokIds[t];
            var os = starts[start + s];
            var oe = ends[start + e - 1];
            if (id >= 0)
            {
                output.Add(id, os, oe);
                continue;
            }

            EmitUnknown(new string(text.RawChars, start + s, e - s), os, oe, output);
        }
    }

    private void EmitUnknown(string piece, int os, int oe, TokenBuffer output)
    {
        if (_trie.Find(piece) is var known and >= 0)
        {
            output.Add(known, os, oe);
            return;
        }

        if (_byteIds != null)
        {
            var bytes = Encoding.UTF8.GetBytes(piece);
            var all = true;
            foreach (var b in bytes)
            {
                all &= _byteIds[b] >= 0;
            }

            if (all)
            {
                foreach (var b in bytes)
                {
                    output.Add(_byteIds[b], os, oe, $"<0x{b:X2}>");
                }

                return;
            }
        }

        if (_unkId < 0)
        {
            throw new InvalidOperationException("The Unigram model met an unknown piece but declares no unk_id.");
        }

        output.Add(_unkId, os, oe, piece);
    }

    /// <summary>Per-thread Viterbi arrays.</summary>
    private sealed class Lattice
    {
        [ThreadStatic]
        private static Lattice? _instance;

        public double[] Score = new double[64];
        public int[] From = new int[64];
        public int[] Id = new int[64];
        public int[] Path = new int[192];
        public int[] TokStart = new int[64];
        public int[] TokEnd = new int[64];
        public int[] TokId = new int[64];

        public static Lattice Get(int size)
        {
            var l = _instance ??= new Lattice();
            if (l.Score.Length < size)
            {
                var n = Math.Max(size, l.Score.Length * 2);
                l.Score = new double[n];
                l.From = new int[n];
                l.Id = new int[n];
                l.Path = new int[n * 3];
                l.TokStart = new int[n];
                l.TokEnd = new int[n];
                l.TokId = new int[n];
            }

            return l;
        }
    }
}
