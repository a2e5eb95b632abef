// A memory-mapped safetensors file (spec §1.7): 8-byte little-endian header length, JSON header, raw data.
// The header is validated completely when the file is opened, so a bad file fails at load, never mid-request.
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace JinaEmbed.Checkpoints;

/// <summary>A validated, memory-mapped safetensors file. Spans it hands out stay valid until it is disposed.</summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    // A header larger than this is corrupt (the real 492-tensor header is about 64 KB).
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly FileStream _stream;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, SafetensorsTensor> _tensors;
    private byte* _base;
    private bool _disposed;

    [ThreadStatic]
    private static byte[]? t_readBuffer;

    private SafetensorsFile(string path, FileStream stream, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart, Dictionary<string, SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        _stream = stream;
        _map = map;
        _view = view;
        DataStart = dataStart;
        _tensors = tensors;
        Metadata = metadata;
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    /// <summary>Path of the file.</summary>
    public string FilePath { get; }

    /// <summary>Byte offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Tensors by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensor> Tensors => _tensors;

    /// <summary>The optional <c>__metadata__</c> string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <exception cref="CheckpointException">The file is missing, truncated, or its header is corrupt.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot open checkpoint {path}: {e.Message}", e);
        }

        try
        {
            long length = stream.Length;
            if (length < 8)
            {
                throw new CheckpointException($"Checkpoint {path} is truncated: {length} bytes, too short for the 8-byte header length.");
            }

            Span<byte> prefix = stackalloc byte[8];
            RandomAccess.Read(stream.SafeFileHandle, prefix, 0);
            ulong headerLength = BitConverter.ToUInt64(prefix);
            if (headerLength > (ulong)MaxHeaderBytes || (long)headerLength > length - 8)
            {
                throw new CheckpointException($"Checkpoint {path} has a corrupt or truncated header: header length {headerLength} but the file has {length} bytes.");
            }

            var header = new byte[headerLength];
            RandomAccess.Read(stream.SafeFileHandle, header, 8);
            long dataStart = 8 + (long)headerLength;
            var (tensors, metadata) = ParseHeader(path, header, length - dataStart);
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new SafetensorsFile(path, stream, map, view, dataStart, tensors, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The tensor named <paramref name="name"/>; a clear error if the file lacks it.</summary>
    public SafetensorsTensor Get(string name)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new CheckpointException($"Checkpoint {FilePath} is missing tensor '{name}'.");
        }

        return tensor;
    }

    /// <summary>The tensor named <paramref name="name"/>, which must have exactly <paramref name="shape"/>.</summary>
    public SafetensorsTensor Get(string name, params int[] shape)
    {
        var tensor = Get(name);
        if (!tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new CheckpointException($"Checkpoint {FilePath}: tensor '{name}' has shape {tensor.ShapeText}, expected [{string.Join(", ", shape)}].");
        }

        return tensor;
    }

    /// <summary>The raw little-endian bytes of a tensor, straight from the map.</summary>
    public ReadOnlySpan<byte> Bytes(SafetensorsTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long size = tensor.End - tensor.Begin;
        if (size > int.MaxValue)
        {
            throw new CheckpointException($"Checkpoint {FilePath}: tensor '{tensor.Name}' is {size} bytes, larger than one span can address.");
        }

        return new ReadOnlySpan<byte>(_base + DataStart + tensor.Begin, (int)size);
    }

    /// <summary>A 16-bit tensor's raw values (BF16 or F16 bit patterns) from the map.</summary>
    public ReadOnlySpan<ushort> Bits16(SafetensorsTensor tensor) => MemoryMarshal.Cast<byte, ushort>(Bytes(tensor));

    /// <summary>An F32 tensor's values from the map.</summary>
    public ReadOnlySpan<float> Floats(SafetensorsTensor tensor) => MemoryMarshal.Cast<byte, float>(Bytes(tensor));

    /// <summary>Reads a 16-bit tensor's bit patterns into a new array with ordinary file reads (no mapped pages stay resident).</summary>
    public ushort[] ReadBits16(SafetensorsTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var result = new ushort[tensor.ElementCount];
        ReadInto(tensor, MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>Reads a tensor's raw bytes into <paramref name="destination"/> with ordinary file reads.</summary>
    public void ReadInto(SafetensorsTensor tensor, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long size = tensor.End - tensor.Begin;
        SafeFileHandle handle = _stream.SafeFileHandle;
        long done = 0;
        while (done < size)
        {
            int n = RandomAccess.Read(handle, destination.Slice((int)done, (int)(size - done)), DataStart + tensor.Begin + done);
            if (n <= 0)
            {
                throw new CheckpointException($"Checkpoint {FilePath}: tensor '{tensor.Name}' could not be read completely.");
            }

            done += n;
        }
    }

    /// <summary>Reads a whole tensor widened to fp32 (BF16 exactly, F16 exactly) with ordinary file reads.</summary>
    public float[] ReadFloat32(SafetensorsTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var result = new float[tensor.ElementCount];
        ReadFloat32(tensor, 0, result);
        return result;
    }

    /// <summary>Widens elements [<paramref name="start"/>, start + destination.Length) of a tensor to fp32.</summary>
    public void CopyFloat32(SafetensorsTensor tensor, long start, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (start < 0 || start + destination.Length > tensor.ElementCount)
        {
            throw new ArgumentOutOfRangeException(nameof(start));
        }

        byte* p = _base + DataStart + tensor.Begin + (start * tensor.ElementSize);
        Widen(tensor.DataType, new ReadOnlySpan<byte>(p, destination.Length * tensor.ElementSize), destination);
    }

    /// <summary>
    /// Like <see cref="CopyFloat32"/>, but with an ordinary file read instead of the map: for scattered rows of a large
    /// table (word embeddings), where page faults on the map would map whole neighbourhoods of pages into the process
    /// and grow its resident set by far more than the rows read.
    /// </summary>
    public void ReadFloat32(SafetensorsTensor tensor, long start, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (start < 0 || start + destination.Length > tensor.ElementCount)
        {
            throw new ArgumentOutOfRangeException(nameof(start));
        }

        // Chunks through one small per-thread buffer, so a whole-tensor read costs no second full-size copy.
        const int ChunkBytes = 64 * 1024;
        int size = tensor.ElementSize, perChunk = ChunkBytes / size;
        var buffer = t_readBuffer ??= new byte[ChunkBytes];
        for (int first = 0; first < destination.Length; first += perChunk)
        {
            int count = Math.Min(perChunk, destination.Length - first);
            var raw = buffer.AsSpan(0, count * size);
            long offset = DataStart + tensor.Begin + ((start + first) * size);
            for (int done = 0; done < raw.Length;)
            {
                int n = RandomAccess.Read(_stream.SafeFileHandle, raw[done..], offset + done);
                if (n <= 0)
                {
                    throw new CheckpointException($"Checkpoint {FilePath}: tensor '{tensor.Name}' could not be read at element {start + first}.");
                }

                done += n;
            }

            Widen(tensor.DataType, raw, destination.Slice(first, count));
        }
    }

    private static void Widen(TensorDataType type, ReadOnlySpan<byte> raw, Span<float> destination)
    {
        switch (type)
        {
            case TensorDataType.Float32:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                break;
            case TensorDataType.BFloat16:
                var bf = MemoryMarshal.Cast<byte, ushort>(raw);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(bf[i] << 16);
                }

                break;
            default:
                var half = MemoryMarshal.Cast<byte, Half>(raw);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)half[i];
                }

                break;
        }
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_base != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _base = null;
        }

        _view.Dispose();
        _map.Dispose();
        _stream.Dispose();
    }

    private static (Dictionary<string, SafetensorsTensor> Tensors, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header, long dataLength)
    {
        // The header is UTF-8 JSON (spec §1.7); JsonDocument checks string bytes only when a string is read, so a bad
        // byte in a tensor name would otherwise surface later as an InvalidOperationException instead of a load error.
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw new CheckpointException($"Checkpoint {path} has a corrupt header: it is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"Checkpoint {path} has a corrupt header: it is not well-formed JSON ({e.Message}).", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointException($"Checkpoint {path} has a corrupt header: the JSON is not an object.");
            }

            var tensors = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var m in property.Value.EnumerateObject())
                        {
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                        }
                    }

                    continue;
                }

                var tensor = ParseEntry(path, property.Name, property.Value, dataLength);
                if (!tensors.TryAdd(tensor.Name, tensor))
                {
                    throw new CheckpointException($"Checkpoint {path} has a corrupt header: tensor '{tensor.Name}' appears twice.");
                }
            }

            CheckNoOverlap(path, tensors.Values);
            return (tensors, metadata);
        }
    }

    private static SafetensorsTensor ParseEntry(string path, string name, JsonElement entry, long dataLength)
    {
        string Bad(string why) => $"Checkpoint {path} has a corrupt header entry for tensor '{name}': {why}.";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException(Bad("not a JSON object"));
        }

        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new CheckpointException(Bad("missing dtype"));
        }

        string dtype = dtypeElement.GetString()!;
        TensorDataType type = dtype switch
        {
            "F32" => TensorDataType.Float32,
            "F16" => TensorDataType.Float16,
            "BF16" => TensorDataType.BFloat16,
            _ => throw new CheckpointException($"Checkpoint {path}: tensor '{name}' has dtype '{dtype}'; supported are F32, F16 and BF16."),
        };
        if (!entry.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointException(Bad("missing shape"));
        }

        var shape = new int[shapeElement.GetArrayLength()];
        int d = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out int value) || value < 0)
            {
                throw new CheckpointException(Bad("shape holds a value that is not a non-negative integer"));
            }

            shape[d++] = value;
        }

        if (!entry.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
        {
            throw new CheckpointException(Bad("data_offsets must be [begin, end]"));
        }

        if (begin < 0 || end < begin)
        {
            throw new CheckpointException(Bad($"data_offsets [{begin}, {end}] are not an ordered range"));
        }

        var tensor = new SafetensorsTensor(name, type, shape, begin, end);
        long expected;
        try
        {
            expected = checked(tensor.ElementCount * tensor.ElementSize);
        }
        catch (OverflowException)
        {
            throw new CheckpointException(Bad($"shape {tensor.ShapeText} is too large"));
        }

        if (end - begin != expected)
        {
            throw new CheckpointException(Bad($"data_offsets [{begin}, {end}] span {end - begin} bytes but shape {tensor.ShapeText} of {dtype} needs {expected}"));
        }

        if (end > dataLength)
        {
            throw new CheckpointException($"Checkpoint {path} is truncated: tensor '{name}' ends at data byte {end} but the data section has {dataLength} bytes.");
        }

        return tensor;
    }

    private static void CheckNoOverlap(string path, IEnumerable<SafetensorsTensor> tensors)
    {
        SafetensorsTensor? previous = null;
        foreach (var t in tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin))
        {
            if (previous != null && t.Begin < previous.End)
            {
                throw new CheckpointException($"Checkpoint {path} has a corrupt header: tensors '{previous.Name}' and '{t.Name}' overlap.");
            }

            previous = t;
        }
    }
}
