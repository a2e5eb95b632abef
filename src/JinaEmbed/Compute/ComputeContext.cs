// Threads and the instruction-set tier used by every kernel. One context is owned by one
// inference loop, so kernels never oversubscribe the machine when several batches run.
namespace JinaEmbed.Compute;

/// <summary>The vector instruction set a kernel may use; tests force lower tiers.</summary>
public enum IsaTier
{
    /// <summary>Portable scalar / <c>Vector&lt;T&gt;</c> code.</summary>
    Portable = 0,
    /// <summary>AVX2 + FMA (256-bit).</summary>
    Avx2 = 1,
    /// <summary>AVX-512F (512-bit).</summary>
    Avx512 = 2,
}

/// <summary>Thread count and ISA tier for the compute kernels.</summary>
public sealed class ComputeContext
{
    /// <summary>Creates a context; <paramref name="threads"/> ≤ 0 means one per core.</summary>
    /// <remarks>
    /// A tier above what the processor supports is lowered to <see cref="DetectTier"/>. <paramref name="vnni"/> = false
    /// keeps the int8 GEMM off AVX-VNNI (its AVX2 fallback runs instead); null or true uses VNNI where the tier is AVX2 or
    /// wider and the processor has it.
    /// </remarks>
    public ComputeContext(int threads = 0, IsaTier? tier = null, bool? vnni = null)
    {
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        var best = DetectTier();
        Tier = tier is { } forced && forced < best ? forced : best;
        Vnni = vnni != false && Tier >= IsaTier.Avx2 && System.Runtime.Intrinsics.X86.AvxVnni.IsSupported;
        _pool = Threads > 1 ? new ComputeWorkerPool(Threads - 1) : null;
    }

    private readonly ComputeWorkerPool? _pool;

    /// <summary>Number of threads a kernel may split its work over.</summary>
    public int Threads { get; }

    /// <summary>Widest instruction set the kernels may use.</summary>
    public IsaTier Tier { get; }

    /// <summary>True when the int8 GEMM may use AVX-VNNI dot products (u8 × s8 → i32, 256-bit).</summary>
    public bool Vnni { get; }

    /// <summary>The int8 GEMM's instructions on this context: AVX-VNNI, AVX-512BW or AVX2 (pmaddwd), or portable.</summary>
    public string Int8Kernel => Vnni ? "AVX-VNNI" : Tier == IsaTier.Avx512 ? "AVX-512BW" : Tier == IsaTier.Avx2 ? "AVX2" : "portable";

    /// <summary>
    /// True where the int8 path outruns the exact one (measured GEMMs: VNNI ≈ 2×, AVX-512BW ≈ 1.3×; AVX2 ≈ 0.7×,
    /// docs/int8.md).
    /// </summary>
    public bool Int8OutrunsExact => Vnni || Tier == IsaTier.Avx512;

    /// <summary>Null where <see cref="Int8OutrunsExact"/>; else a line for a startup warning saying what int8 still gives.</summary>
    public string? Int8SpeedWarning => Int8OutrunsExact ? null
        : $"int8 on this CPU ({Int8Kernel}, no AVX-VNNI or AVX-512) runs slower than the exact path (≈ 0.7× measured on AVX2, docs/int8.md); it still halves the weights' memory";

    /// <summary>A shared single-threaded context for tests and small work.</summary>
    public static ComputeContext Default { get; } = new();

    /// <summary>The best tier this processor supports.</summary>
    public static IsaTier DetectTier()
    {
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            return IsaTier.Avx512;
        }

        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return IsaTier.Avx2;
        }

        return IsaTier.Portable;
    }

    /// <summary>Runs <paramref name="body"/> for every index in [0, count), split over the context's threads.</summary>
    public void For(int count, Action<int> body)
    {
        if (count <= 0)
        {
            return;
        }

        if (Threads == 1 || count == 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        // A persistent pool: Threads − 1 workers plus the caller; nested calls run inline.
        _pool!.Run(count, body);
    }
}
