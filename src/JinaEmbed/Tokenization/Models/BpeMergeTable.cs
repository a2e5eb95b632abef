// Open-addressing map (left id, right id) → (rank, merged id) for the BPE merge loop: one probe sequence over flat
// arrays, no boxing, no per-lookup allocation. Immutable after construction, so safe to read from many threads.
using System.Runtime.CompilerServices;

namespace JinaEmbed.Tokenization.Models;

internal sealed class BpeMergeTable
{
    private const ulong Empty = ulong.MaxValue;
    private readonly ulong[] _keys;
    private readonly int[] _ranks;
    private readonly int[] _ids;
    private readonly int _mask;
    private readonly int _shift;

    public BpeMergeTable(int capacity)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }

        _keys = new ulong[size];
        Array.Fill(_keys, Empty);
        _ranks = new int[size];
        _ids = new int[size];
        _mask = size - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
    }

    public int Count { get; private set; }

    /// <summary>Adds or replaces a pair (a later duplicate wins, as in HF's map).</summary>
    public void Set(int left, int right, int rank, int mergedId)
    {
        var key = Key(left, right);
        var slot = Slot(key);
        while (_keys[slot] != Empty && _keys[slot] != key)
        {
            slot = (slot + 1) & _mask;
        }

        if (_keys[slot] == Empty)
        {
            Count++;
        }

        _keys[slot] = key;
        _ranks[slot] = rank;
        _ids[slot] = mergedId;
    }

    /// <summary>Rank of the pair (or -1) and its merged id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(int left, int right, out int mergedId)
    {
        var key = Key(left, right);
        var slot = Slot(key);
        while (true)
        {
            var k = _keys[slot];
            if (k == key)
            {
                mergedId = _ids[slot];
                return _ranks[slot];
            }

            if (k == Empty)
            {
                mergedId = -1;
                return -1;
            }

            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(int left, int right) => ((ulong)(uint)left << 32) | (uint)right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
}
