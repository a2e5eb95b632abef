// One entry of a safetensors header: name, element type, shape and byte range inside the data section.
namespace JinaEmbed.Checkpoints;

/// <summary>A tensor's header entry; <see cref="Begin"/>/<see cref="End"/> are byte offsets relative to the data section.</summary>
public sealed record SafetensorsTensor(string Name, TensorDataType DataType, int[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (int d in Shape)
            {
                count *= d;
            }

            return count;
        }
    }

    /// <summary>Bytes per element.</summary>
    public int ElementSize => DataType == TensorDataType.Float32 ? 4 : 2;

    /// <summary>The shape as text, e.g. <c>[5, 4, 1024]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
