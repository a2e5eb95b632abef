// Trie of vocabulary pieces over UTF-16 units, built in one pass over the sorted pieces: each node's children sit
// next to each other (sorted by char), the root's children in a direct 64K table. Lookups allocate nothing and touch
// few cache lines; building 250k pieces takes a sort plus a linear pass (issue #2: load < 1 s).
using System.Runtime.CompilerServices;

namespace JinaEmbed.Tokenization.Models;

/// <summary>Immutable; safe for concurrent lookups. Node 0 is the root; a child of 0 means "none".</summary>
internal sealed class PieceTrie
{
    public const int Root = 0;

    private readonly int[] _rootChild = new int[0x10000];
    private readonly char[] _label;
    private readonly int[] _value;
    private readonly int[] _firstChild;
    private readonly int[] _childCount;

    /// <summary>Builds the trie; for a key that occurs more than once the value of its last occurrence wins
    /// (HF's vocabulary map is filled in order).</summary>
    public PieceTrie(string[] keys, int[] values)
    {
        var order = SortedOrder(keys);

        // The sorted keys, copied into one buffer so that the build below reads memory in order.
        long totalChars = 0;
        foreach (var i in order)
        {
            totalChars += keys[i].Length;
        }

        var buffer = new char[totalChars];
        var offsets = new int[order.Length + 1];
        var position = 0;
        for (var k = 0; k < order.Length; k++)
        {
            offsets[k] = position;
            keys[order[k]].CopyTo(buffer.AsSpan(position));
            position += keys[order[k]].Length;
        }

        offsets[order.Length] = position;

        // Upper bound on nodes: one per char of each key, plus the root.
        var capacity = (int)Math.Min(totalChars + 1, int.MaxValue - 1);
        _label = new char[capacity];
        _value = new int[capacity];
        _firstChild = new int[capacity];
        _childCount = new int[capacity];
        _value[0] = -1;
        var used = 1;

        // Iterative build: a work item is (node, depth, [lo, hi) range of sorted keys sharing depth chars).
        var stack = new (int Node, int Depth, int Lo, int Hi)[64];
        var top = 0;
        stack[top++] = (Root, 0, 0, order.Length);
        while (top > 0)
        {
            var (node, depth, lo, hi) = stack[--top];
            var start = lo;

            // Keys ending exactly here (sorted first, as prefixes sort before extensions) give the node's value;
            // equal keys are sorted by index, so the last occurrence wins.
            while (start < hi && offsets[start + 1] - offsets[start] == depth)
            {
                _value[node] = values[order[start]];
                start++;
            }

            var first = used;
            var k = start;
            while (k < hi)
            {
                var c = buffer[offsets[k] + depth];
                var end = k + 1;
                while (end < hi && buffer[offsets[end] + depth] == c)
                {
                    end++;
                }

                var child = used++;
                _label[child] = c;
                _value[child] = -1;
                if (top == stack.Length)
                {
                    Array.Resize(ref stack, stack.Length * 2);
                }

                stack[top++] = (child, depth + 1, k, end);
                k = end;
            }

            _firstChild[node] = first;
            _childCount[node] = used - first;
            if (node == Root)
            {
                for (var ch = first; ch < used; ch++)
                {
                    _rootChild[_label[ch]] = ch;
                }
            }
        }
    }

    /// <summary>Indices of the non-empty keys in ordinal order (equal keys by index): a primitive sort on the first four
    /// chars, then a full comparison inside each run of equal prefixes.</summary>
    private static int[] SortedOrder(string[] keys)
    {
        var n = 0;
        foreach (var k in keys)
        {
            n += k.Length > 0 ? 1 : 0;
        }

        var order = new int[n];
        var prefix = new ulong[n];
        n = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var k = keys[i];
            if (k.Length == 0)
            {
                continue;
            }

            // The first four chars, 16 bits each, zero-padded: numeric order agrees with ordinal order wherever the
            // prefixes differ; equal prefixes are fully compared below.
            ulong p = 0;
            for (var j = 0; j < 4; j++)
            {
                p = (p << 16) | (j < k.Length ? k[j] : 0u);
            }

            prefix[n] = p;
            order[n++] = i;
        }

        Array.Sort(prefix, order);
        Comparison<int> full = (a, b) =>
        {
            var c = string.CompareOrdinal(keys[a], keys[b]);
            return c != 0 ? c : a.CompareTo(b);
        };
        var lo = 0;
        while (lo < n)
        {
            var hi = lo + 1;
            while (hi < n && prefix[hi] == prefix[lo])
            {
                hi++;
            }

            if (hi - lo > 1)
            {
                Array.Sort(order, lo, hi - lo, Comparer<int>.Create(full));
            }

            lo = hi;
        }

        return order;
    }

    /// <summary>Child of <paramref name="node"/> by <paramref name="c"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Child(int node, char c)
    {
        if (node == Root)
        {
            return _rootChild[c];
        }

        var lo = _firstChild[node];
        var count = _childCount[node];
        if (count <= 8)
        {
            var labels = _label;
            for (var i = lo; i < lo + count; i++)
            {
                if (labels[i] == c)
                {
                    return i;
                }
            }

            return 0;
        }

        var found = _label.AsSpan(lo, count).BinarySearch(c);
        return found >= 0 ? lo + found : 0;
    }

    /// <summary>Value stored at a node, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Value(int node) => _value[node];

    /// <summary>Value of an exact key, or -1.</summary>
    public int Find(ReadOnlySpan<char> key)
    {
        var node = Root;
        foreach (var c in key)
        {
            node = Child(node, c);
            if (node == 0)
            {
                return -1;
            }
        }

        return node == Root ? -1 : _value[node];
    }
}
