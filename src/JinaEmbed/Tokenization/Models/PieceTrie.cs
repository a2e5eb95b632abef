// Trie of vocabulary pieces over UTF-16 units: a direct table for the root's children and one open-addressing hash
// table (parent, char) → child for the rest, so lookups allocate nothing and loading 250k pieces stays fast (issue #2).
using System.Runtime.CompilerServices;

namespace JinaEmbed.Tokenization.Models;

/// <summary>Immutable after construction; safe for concurrent lookups.</summary>
internal sealed class PieceTrie
{
    private readonly int[] _rootChild = new int[0x10000];
    private Slot[] _slots;
    private int _mask;
    private int _edgeCount;
    private int _nodeCount;
    private int[] _values;

    public PieceTrie(int expectedChars)
    {
        var capacity = 1024;
        while (capacity < expectedChars * 2)
        {
            capacity <<= 1;
        }

        _slots = new Slot[capacity];
        _mask = capacity - 1;
        _values = new int[Math.Max(16, expectedChars + 1)];
        _values[0] = -1;
        _nodeCount = 1;
    }

    /// <summary>Node 0 is the root; a returned node of 0 means "no such child".</summary>
    public const int Root = 0;

    /// <summary>Inserts a key; a later insert of the same key overwrites the value (HF's last-wins vocab map).</summary>
    public void Insert(ReadOnlySpan<char> key, int value)
    {
        var node = Root;
        foreach (var c in key)
        {
            var child = Child(node, c);
            if (child == 0)
            {
                child = NewNode();
                if (node == Root)
                {
                    _rootChild[c] = child;
                }
                else
                {
                    AddEdge(node, c, child);
                }
            }

            node = child;
        }

        if (node != Root)
        {
            _values[node] = value;
        }
    }

    /// <summary>Child of <paramref name="node"/> by <paramref name="c"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Child(int node, char c)
    {
        if (node == Root)
        {
            return _rootChild[c];
        }

        var slots = _slots;
        var mask = _mask;
        var h = Hash(node, c) & mask;
        while (true)
        {
            ref var slot = ref slots[h];
            if (slot.Child == 0)
            {
                return 0;
            }

            if (slot.Parent == node && slot.C == c)
            {
                return slot.Child;
            }

            h = (h + 1) & mask;
        }
    }

    /// <summary>Value stored at a node, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Value(int node) => _values[node];

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

        return node == Root ? -1 : _values[node];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(int node, char c) => (int)((((uint)node * 0x9E3779B1u) ^ ((uint)c * 0x85EBCA77u)) >> 5) ^ node;

    private int NewNode()
    {
        if (_nodeCount == _values.Length)
        {
            var grown = new int[_values.Length * 2];
            Array.Copy(_values, grown, _values.Length);
            _values = grown;
        }

        _values[_nodeCount] = -1;
        return _nodeCount++;
    }

    private void AddEdge(int parent, char c, int child)
    {
        if ((_edgeCount + 1) * 10 > _slots.Length * 7)
        {
            Rehash();
        }

        var h = Hash(parent, c) & _mask;
        while (_slots[h].Child != 0)
        {
            h = (h + 1) & _mask;
        }

        _slots[h] = new Slot { Parent = parent, Child = child, C = c };
        _edgeCount++;
    }

    private void Rehash()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        _mask = _slots.Length - 1;
        foreach (var s in old)
        {
            if (s.Child == 0)
            {
                continue;
            }

            var h = Hash(s.Parent, s.C) & _mask;
            while (_slots[h].Child != 0)
            {
                h = (h + 1) & _mask;
            }

            _slots[h] = s;
        }
    }

    private struct Slot
    {
        public int Parent;
        public int Child;
        public char C;
    }
}
