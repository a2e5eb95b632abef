// Shared tail of every GEMM micro-kernel: merges a computed tile into y (first k-block: + bias;
// later k-blocks: + y) for edge tiles that are not a full MR × 32 block (issue #4).
namespace JinaEmbed.Compute;

/// <summary>Scalar merge of a partial micro-tile into the output.</summary>
internal static unsafe class GemmTile
{
    /// <summary>y[r, j] = tile[r, j] + (accumulate ? y[r, j] : bias[j]) for r &lt; rows, j &lt; columns.</summary>
    public static void Merge(float* tile, int tileStride, float* c, nint ldc, int rows, int columns, float* bias, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = tile + (r * tileStride);
            float* dst = c + (r * ldc);
            for (int j = 0; j < columns; j++)
            {
                dst[j] = src[j] + (accumulate ? dst[j] : (bias != null ? bias[j] : 0f));
            }
        }
    }
}
