// "BPE" model (spec §2.4): each pre-token starts as one symbol per character (continuing_subword_prefix on all but
// the first, end_of_word_suffix on the last; byte_fallback or unk_token for characters outside the vocabulary), then
// the adjacent pair with the lowest merge rank (leftmost on ties) is merged until no pair is in the merges. A binary
// heap over a linked list of symbols keeps this O(n log n) for pre-tokens thousands of bytes long. Results are cached
// per pre-token in a lock-free direct-mapped cache, as HF caches words.
using System.Runtime.CompilerServices;

namespace JinaEmbed.Tokenization.Models;

internal sealed class BpeModel : TokenizerModel
{
    private const int MaxCachedLength = 64;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string?[] _idToToken;
    private readonly BpeMergeTable _merges;
    private readonly int[] _charIds;
    private readonly int[]? _byteIds;
    private readonly int _unkId;
    private readonly bool _fuseUnk;
    private readonly bool _ignoreMerges;
    private readonly string _prefix;
    private readonly string _suffix;

    // Entry: [hash, length, count, chars..., token starts..., token ends..., token ids...] (one immutable array;
    // concurrent readers see either the old or the new entry).
    private readonly int[]?[] _cache = new int[]?[1 << 16];

    /// <summary>Builds the model; merges are (left, right) in rank order.</summary>
    /// <exception cref="TokenizerLoadException">A merge names a token (or yields one) that is not in the vocabulary.</exception>
    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unkToken, bool fuseUnk,
        bool byteFallback, bool ignoreMerges, string? continuingSubwordPrefix, string? endOfWordSuffix, string source)
    {
        _vocab = vocab;
        _lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefix = continuingSubwordPrefix ?? string.Empty;
        _suffix = endOfWordSuffix ?? string.Empty;
        _fuseUnk = fuseUnk;
        _ignoreMerges = ignoreMerges;
        var size = 0;
        foreach (var id in vocab.Values)
        {
            if (id < 0)
            {
                throw new TokenizerLoadException($"{source}: BPE vocab has a negative id {id}");
            }

            size = Math.Max(size, id + 1);
        }

        _idToToken = new string?[size];
        foreach (var (token, id) in vocab)
        {
            _idToToken[id] = token;
        }

        _unkId = -1;
        if (unkToken != null)
        {
            _unkId = vocab.TryGetValue(unkToken, out var u)
                ? u
                : throw new TokenizerLoadException($"{source}: BPE unk_token '{unkToken}' is not in the vocabulary");
        }

        _merges = new BpeMergeTable(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (a, b) = merges[rank];
            var left = Id(a, rank);
            var right = Id(b, rank);
            var merged = a + (b.Length >= _prefix.Length ? b[_prefix.Length..] : string.Empty);
            if (!vocab.TryGetValue(merged, out var mergedId))
            {
                throw new TokenizerLoadException($"{source}: BPE merge {rank} '{a} {b}' makes '{merged}', which is not in the vocabulary");
            }

            _merges.Set(left, right, rank, mergedId);
        }

        // Fast path for the first symbol lookup: one BMP char without prefix/suffix decoration.
        _charIds = new int[0x10000];
        Array.Fill(_charIds, -1);
        foreach (var (token, id) in vocab)
        {
            if (token.Length == 1 && !char.IsSurrogate(token[0]))
            {
                _charIds[token[0]] = id;
            }
        }

        if (byteFallback)
        {
            _byteIds = new int[256];
            for (var b = 0; b < 256; b++)
            {
                _byteIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
            }
        }

        int Id(string token, int rank) => vocab.TryGetValue(token, out var id)
            ? id
            : throw new TokenizerLoadException($"{source}: BPE merge {rank} '{merges[rank].Left} {merges[rank].Right}' names '{token}', which is not in the vocabulary");
    }

    public override int VocabularySize => _idToToken.Length;

    public int MergeCount => _merges.Count;

    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    public override string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    public override void Tokenize(NormalizedText text, int start, int end, TokenBuffer output)
    {
        var n = end - start;
        if (n <= 0)
        {
            return;
        }

        var chars = text.RawChars;
        var word = chars.AsSpan(start, n);
        if (_ignoreMerges && _lookup.TryGetValue(word, out var whole))
        {
            output.Add(whole, text.Starts[start], text.Ends[end - 1]);
            return;
        }

        uint hash = 2166136261;
        if (n <= MaxCachedLength)
        {
            foreach (var c in word)
            {
                hash = (hash ^ c) * 16777619;
            }

            var entry = Volatile.Read(ref _cache[hash & (_cache.Length - 1)]);
            if (entry != null && entry[0] == (int)hash && entry[1] == n && SameWord(entry, word))
            {
                EmitCached(text, start, entry, output);
                return;
            }
        }

        var s = Scratch.Get(n);
        var count = InitialSymbols(word, s);
        Merge(s, count);

        // Walk the surviving symbols (the first never dies: a merge removes the right symbol).
        var tokens = 0;
        var ids = s.Ids;
        var symStarts = s.Starts;
        var symEnds = s.Ends;
        var outStarts = s.OutStarts;
        var outEnds = s.OutEnds;
        var outIds = s.OutIds;
        for (var i = count > 0 ? 0 : -1; i >= 0; i = s.Next[i])
        {
            outStarts[tokens] = symStarts[i];
            outEnds[tokens] = symEnds[i];
            outIds[tokens] = ids[i];
            tokens++;
            output.Add(ids[i], text.Starts[start + symStarts[i]], text.Ends[start + symEnds[i] - 1]);
        }

        if (n <= MaxCachedLength)
        {
            var entry = new int[3 + n + (3 * tokens)];
            entry[0] = (int)hash;
            entry[1] = n;
            entry[2] = tokens;
            for (var k = 0; k < n; k++)
            {
                entry[3 + k] = word[k];
            }

            Array.Copy(outStarts, 0, entry, 3 + n, tokens);
            Array.Copy(outEnds, 0, entry, 3 + n + tokens, tokens);
            Array.Copy(outIds, 0, entry, 3 + n + (2 * tokens), tokens);
            Volatile.Write(ref _cache[hash & (_cache.Length - 1)], entry);
        }
    }

    private static bool SameWord(int[] entry, ReadOnlySpan<char> word)
    {
        for (var k = 0; k < word.Length; k++)
        {
            if (entry[3 + k] != word[k])
            {
                return false;
            }
        }

        return true;
    }

    private static void EmitCached(NormalizedText text, int start, int[] entry, TokenBuffer output)
    {
        var n = entry[1];
        var count = entry[2];
        var starts = text.Starts;
        var ends = text.Ends;
        var baseStarts = 3 + n;
        var baseEnds = baseStarts + count;
        var baseIds = baseEnds + count;
        for (var t = 0; t < count; t++)
        {
            output.Add(entry[baseIds + t], starts[start + entry[baseStarts + t]], ends[start + entry[baseEnds + t] - 1]);
        }
    }

    /// <summary>One symbol per character (HF's merge_word), with byte fallback or (fused) unknowns. Returns the count.</summary>
    private int InitialSymbols(ReadOnlySpan<char> word, Scratch s)
    {
        var count = 0;
        var unkStart = -1;
        var unkEnd = -1;
        var plain = _prefix.Length == 0 && _suffix.Length == 0;
        Span<char> buffer = stackalloc char[64];
        for (var i = 0; i < word.Length;)
        {
            var len = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            int id;
            if (plain && len == 1)
            {
                id = _charIds[word[i]];
            }
            else
            {
                id = LookupDecorated(word.Slice(i, len), i == 0, i + len == word.Length, buffer);
            }

            if (id >= 0)
            {
                FlushUnknown(s, ref count, ref unkStart, unkEnd);
                Add(s, ref count, id, i, i + len);
            }
            else if (TryByteFallback(word.Slice(i, len), i == 0, i + len == word.Length, s, ref count, ref unkStart, unkEnd, i, len))
            {
                // Added as byte tokens.
            }
            else if (_unkId >= 0)
            {
                if (unkStart >= 0 && !_fuseUnk)
                {
                    FlushUnknown(s, ref count, ref unkStart, unkEnd);
                }

                if (unkStart < 0)
                {
                    unkStart = i;
                }

                unkEnd = i + len;
            }

            i += len;
        }

        FlushUnknown(s, ref count, ref unkStart, unkEnd);
        return count;
    }

    /// <summary>HF's byte fallback: every UTF-8 byte of the (decorated) character as &lt;0xXX&gt;, if all exist.</summary>
    private bool TryByteFallback(ReadOnlySpan<char> ch, bool first, bool last, Scratch s, ref int count, ref int unkStart, int unkEnd, int at, int len)
    {
        if (_byteIds == null)
        {
            return false;
        }

        var decorated = (first ? string.Empty : _prefix) + ch.ToString() + (last ? _suffix : string.Empty);
        var bytes = System.Text.Encoding.UTF8.GetBytes(decorated);
        foreach (var b in bytes)
        {
            if (_byteIds[b] < 0)
            {
                return false;
            }
        }

        FlushUnknown(s, ref count, ref unkStart, unkEnd);
        foreach (var b in bytes)
        {
            Add(s, ref count, _byteIds[b], at, at + len);
        }

        return true;
    }

    private int LookupDecorated(ReadOnlySpan<char> ch, bool first, bool last, Span<char> buffer)
    {
        var prefix = first ? ReadOnlySpan<char>.Empty : _prefix.AsSpan();
        var suffix = last ? _suffix.AsSpan() : ReadOnlySpan<char>.Empty;
        var total = prefix.Length + ch.Length + suffix.Length;
        var key = total <= buffer.Length ? buffer[..total] : new char[total];
        prefix.CopyTo(key);
        ch.CopyTo(key[prefix.Length..]);
        suffix.CopyTo(key[(prefix.Length + ch.Length)..]);
        return _lookup.TryGetValue(key, out var id) ? id : -1;
    }

    private void FlushUnknown(Scratch s, ref int count, ref int unkStart, int unkEnd)
    {
        if (unkStart >= 0)
        {
            Add(s, ref count, _unkId, unkStart, unkEnd);
            unkStart = -1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(Scratch s, ref int count, int id, int start, int end)
    {
        s.EnsureSymbols(count + 1);
        s.Ids[count] = id;
        s.Starts[count] = start;
        s.Ends[count] = end;
        count++;
    }

    /// <summary>Lowest-rank-first merging (ties: leftmost) with a min-heap of (rank, position) over a linked list.</summary>
    private void Merge(Scratch s, int count)
    {
        var ids = s.Ids;
        var ends = s.Ends;
        var prev = s.Prev;
        var next = s.Next;
        for (var i = 0; i < count; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }

        if (count < 2)
        {
            return;
        }

        var heap = s.Heap;
        var size = 0;
        var merges = _merges;
        for (var i = 0; i + 1 < count; i++)
        {
            var rank = merges.Find(ids[i], ids[i + 1], out _);
            if (rank >= 0)
            {
                Push(heap, ref size, ((long)rank << 32) | (uint)i);
            }
        }

        while (size > 0)
        {
            var top = Pop(heap, ref size);
            var pos = (int)(top & 0xFFFFFFFF);
            var rank = (int)(top >> 32);
            var right = next[pos];

            // A removed symbol has Ends == -1; a stale entry's pair no longer has this rank.
            if (ends[pos] < 0 || right < 0 || merges.Find(ids[pos], ids[right], out var merged) != rank)
            {
                continue;
            }

            ids[pos] = merged;
            ends[pos] = ends[right];
            ends[right] = -1;
            var after = next[right];
            next[pos] = after;
            if (after >= 0)
            {
                prev[after] = pos;
            }

            var before = prev[pos];
            if (before >= 0 && merges.Find(ids[before], merged, out _) is >= 0 and var r1)
            {
                Push(heap, ref size, ((long)r1 << 32) | (uint)before);
            }

            if (after >= 0 && merges.Find(merged, ids[after], out _) is >= 0 and var r2)
            {
                Push(heap, ref size, ((long)r2 << 32) | (uint)pos);
            }
        }
    }

    private static void Push(long[] heap, ref int size, long value)
    {
        var i = size++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (heap[parent] <= value)
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = value;
    }

    private static long Pop(long[] heap, ref int size)
    {
        var top = heap[0];
        var last = heap[--size];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= size)
            {
                break;
            }

            if (child + 1 < size && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (heap[child] >= last)
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = last;
        return top;
    }

    /// <summary>Per-thread symbol arrays, grown on demand.</summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? _instance;

        public int[] Ids = new int[256];
        public int[] Starts = new int[256];
        public int[] Ends = new int[256];
        public int[] Prev = new int[256];
        public int[] Next = new int[256];
        public int[] OutStarts = new int[256];
        public int[] OutEnds = new int[256];
        public int[] OutIds = new int[256];

        // Every merge pushes at most two entries on top of the initial pairs.
        public long[] Heap = new long[768];

        public static Scratch Get(int length)
        {
            var s = _instance ??= new Scratch();
            s.EnsureSymbols(length);
            return s;
        }

        public void EnsureSymbols(int n)
        {
            if (n <= Ids.Length)
            {
                return;
            }

            var size = Math.Max(n, Ids.Length * 2);
            Array.Resize(ref Ids, size);
            Array.Resize(ref Starts, size);
            Array.Resize(ref Ends, size);
            Array.Resize(ref Prev, size);
            Array.Resize(ref Next, size);
            Array.Resize(ref OutStarts, size);
            Array.Resize(ref OutEnds, size);
            Array.Resize(ref OutIds, size);
            Array.Resize(ref Heap, 3 * size);
        }
    }
}
