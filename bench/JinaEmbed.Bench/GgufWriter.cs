// A minimal streaming GGUF v3 writer (benchmark-only: feeds llama.cpp the synthetic jina-embeddings-v4 weights).
// Layout, as ggml's gguf.cpp reads it: "GGUF", u32 version 3, i64 tensor count, i64 KV count, the KV pairs
// (string key, u32 value type, value), the tensor infos (name, u32 n_dims, u64 ne[n_dims], u32 ggml type,
// u64 offset into the data section), zero padding to the alignment, then each tensor's bytes padded to the
// alignment. Strings are u64 length + UTF-8 bytes; arrays are u32 element type + u64 count + elements; all little-endian.
// Tensor data is produced by a callback at write time, so multi-GB tensors are streamed, never held whole.
using System.Text;

namespace JinaEmbed.Bench;

/// <summary>ggml tensor types this writer emits (values of ggml.h's enum ggml_type).</summary>
internal enum GgmlType : uint
{
    F32 = 0,
    Q8_0 = 8,
    BF16 = 30,
}

/// <summary>Collects metadata and tensor descriptions, then writes one GGUF file.</summary>
internal sealed class GgufWriter
{
    public const int Alignment = 32;

    // gguf.h's enum gguf_type.
    private const uint TypeUInt32 = 4, TypeInt32 = 5, TypeFloat32 = 6, TypeBool = 7, TypeString = 8, TypeArray = 9;

    private readonly List<(string Key, Action<BinaryWriter> Write)> _kv = [];
    private readonly List<Tensor> _tensors = [];

    public void Add(string key, string value) => _kv.Add((key, w => { w.Write(TypeString); WriteString(w, value); }));

    public void Add(string key, uint value) => _kv.Add((key, w => { w.Write(TypeUInt32); w.Write(value); }));

    public void Add(string key, float value) => _kv.Add((key, w => { w.Write(TypeFloat32); w.Write(value); }));

    public void Add(string key, bool value) => _kv.Add((key, w => { w.Write(TypeBool); w.Write((byte)(value ? 1 : 0)); }));

    public void Add(string key, IReadOnlyList<string> values) => _kv.Add((key, w =>
    {
        w.Write(TypeArray);
        w.Write(TypeString);
        w.Write((ulong)values.Count);
        foreach (var value in values)
        {
            WriteString(w, value);
        }
    }
    ));

    public void Add(string key, IReadOnlyList<int> values) => _kv.Add((key, w =>
    {
        w.Write(TypeArray);
        w.Write(TypeInt32);
        w.Write((ulong)values.Count);
        foreach (var value in values)
        {
            w.Write(value);
        }
    }
    ));

    /// <summary>
    /// Adds a tensor. <paramref name="ne"/> is in ggml order (fastest-varying first), i.e. a PyTorch [out, in] weight
    /// is ne = [in, out]. <paramref name="writeData"/> must write exactly the tensor's bytes.
    /// </summary>
    public void AddTensor(string name, long[] ne, GgmlType type, Action<Stream> writeData)
    {
        long elements = ne.Aggregate(1L, (a, b) => a * b);
        _tensors.Add(new Tensor(name, ne, type, ByteCount(type, ne[0], elements), writeData));
    }

    /// <summary>Q8_0 (ggml's block_q8_0): blocks of 32 consecutive values along ne[0], each an fp16 scale d = amax / 127
    /// followed by 32 int8 codes round(x / d).</summary>
    public const int Q8Block = 32, Q8BlockBytes = 2 + Q8Block;

    /// <summary>Bytes of a tensor of <paramref name="elements"/> values whose rows hold <paramref name="rowLength"/>.</summary>
    public static long ByteCount(GgmlType type, long rowLength, long elements) => type switch
    {
        GgmlType.F32 => elements * 4,
        GgmlType.BF16 => elements * 2,
        GgmlType.Q8_0 when rowLength % Q8Block == 0 => elements / Q8Block * Q8BlockBytes,
        GgmlType.Q8_0 => throw new ArgumentException($"Q8_0 needs rows of a multiple of {Q8Block} values, not {rowLength}"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Total bytes of tensor data (unpadded).</summary>
    public long TensorBytes => _tensors.Sum(t => t.Bytes);

    public void Write(string path, Action<string>? log = null)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 22);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write(3u);
            w.Write((long)_tensors.Count);
            w.Write((long)_kv.Count);
            foreach (var (key, write) in _kv)
            {
                WriteString(w, key);
                write(w);
            }

            long offset = 0;
            foreach (var t in _tensors)
            {
                WriteString(w, t.Name);
                w.Write((uint)t.Ne.Length);
                foreach (long n in t.Ne)
                {
                    w.Write((ulong)n);
                }

                w.Write((uint)t.Type);
                w.Write((ulong)offset);
                offset += Pad(t.Bytes);
            }
        }

        WritePadding(stream);
        for (int i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            long start = stream.Position;
            t.WriteData(stream);
            if (stream.Position - start != t.Bytes)
            {
                throw new InvalidOperationException($"GGUF tensor {t.Name}: wrote {stream.Position - start} bytes, expected {t.Bytes}.");
            }

            WritePadding(stream);
            if (log != null && (i % 50 == 0 || i == _tensors.Count - 1))
            {
                log($"  {i + 1}/{_tensors.Count} tensors, {stream.Position / 1e9:F2} GB");
            }
        }
    }

    private static long Pad(long n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void WritePadding(Stream stream)
    {
        long pad = Pad(stream.Position) - stream.Position;
        for (long i = 0; i < pad; i++)
        {
            stream.WriteByte(0);
        }
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private sealed record Tensor(string Name, long[] Ne, GgmlType Type, long Bytes, Action<Stream> WriteData);
}
