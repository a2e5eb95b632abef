// One reused buffer per element type for reading a checkpoint's large tensors before packing them, so the packed copy
// is the only one that stays resident.
namespace JinaEmbed.Models;

/// <summary>Grow-only read buffers shared by the weight loaders.</summary>
internal sealed class ReadScratch
{
    private ushort[] _bits = [];
    private float[] _floats = [];

    /// <summary>A buffer of at least <paramref name="count"/> 16-bit values.</summary>
    public ushort[] Bits(int count) => _bits.Length >= count ? _bits : _bits = new ushort[count];

    /// <summary>A buffer of at least <paramref name="count"/> floats.</summary>
    public float[] Floats(int count) => _floats.Length >= count ? _floats : _floats = new float[count];
}
