// Measures the machine's fp32 FMA throughput with a register-only loop on every thread of a context:
// the denominator for "GEMM at x % of peak" in the benchmark (issue #4).
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JinaEmbed.Compute;

/// <summary>Peak fused multiply-add probe.</summary>
public static class FmaPeak
{
    private const int Accumulators = 12;

    /// <summary>Measures fp32 GFLOP/s (an FMA counts 2) over the context's threads and widest tier.</summary>
    public static double MeasureGflops(ComputeContext context, int iterations = 20_000_000)
    {
        ArgumentNullException.ThrowIfNull(context);
        int lanes = context.Tier switch
        {
            IsaTier.Avx512 => 16,
            IsaTier.Avx2 => 8,
            _ => Vector<float>.Count,
        };
        Loop(context.Tier, 1000); // JIT warm-up
        var seconds = new double[context.Threads];
        var clock = Stopwatch.StartNew();
        context.For(context.Threads, t =>
        {
            var watch = Stopwatch.StartNew();
            Loop(context.Tier, iterations);
            seconds[t] = watch.Elapsed.TotalSeconds;
        });
        double flops = 2.0 * lanes * Accumulators * (double)iterations * context.Threads;
        return flops / Math.Max(clock.Elapsed.TotalSeconds, seconds.Max()) / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop(IsaTier tier, int iterations)
    {
        if (tier == IsaTier.Avx512)
        {
            var m = Vector512.Create(0.999999f);
            var a = Vector512.Create(1e-7f);
            Vector512<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
            for (int i = 0; i < iterations; i++)
            {
                c0 = Avx512F.FusedMultiplyAdd(c0, m, a);
                c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
                c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
                c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
                c4 = Avx512F.FusedMultiplyAdd(c4, m, a);
                c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
                c6 = Avx512F.FusedMultiplyAdd(c6, m, a);
                c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
                c8 = Avx512F.FusedMultiplyAdd(c8, m, a);
                c9 = Avx512F.FusedMultiplyAdd(c9, m, a);
                c10 = Avx512F.FusedMultiplyAdd(c10, m, a);
                c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
            }

            return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        if (tier == IsaTier.Avx2)
        {
            var m = Vector256.Create(0.999999f);
            var a = Vector256.Create(1e-7f);
            Vector256<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
            for (int i = 0; i < iterations; i++)
            {
                c0 = Fma.MultiplyAdd(c0, m, a);
                c1 = Fma.MultiplyAdd(c1, m, a);
                c2 = Fma.MultiplyAdd(c2, m, a);
                c3 = Fma.MultiplyAdd(c3, m, a);
                c4 = Fma.MultiplyAdd(c4, m, a);
                c5 = Fma.MultiplyAdd(c5, m, a);
                c6 = Fma.MultiplyAdd(c6, m, a);
                c7 = Fma.MultiplyAdd(c7, m, a);
                c8 = Fma.MultiplyAdd(c8, m, a);
                c9 = Fma.MultiplyAdd(c9, m, a);
                c10 = Fma.MultiplyAdd(c10, m, a);
                c11 = Fma.MultiplyAdd(c11, m, a);
            }

            return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        var vm = new Vector<float>(0.999999f);
        var va = new Vector<float>(1e-7f);
        Vector<float> v0 = va, v1 = va, v2 = va, v3 = va, v4 = va, v5 = va, v6 = va, v7 = va, v8 = va, v9 = va, v10 = va, v11 = va;
        for (int i = 0; i < iterations; i++)
        {
            v0 = Vector.FusedMultiplyAdd(v0, vm, va);
            v1 = Vector.FusedMultiplyAdd(v1, vm, va);
            v2 = Vector.FusedMultiplyAdd(v2, vm, va);
            v3 = Vector.FusedMultiplyAdd(v3, vm, va);
            v4 = Vector.FusedMultiplyAdd(v4, vm, va);
            v5 = Vector.FusedMultiplyAdd(v5, vm, va);
            v6 = Vector.FusedMultiplyAdd(v6, vm, va);
            v7 = Vector.FusedMultiplyAdd(v7, vm, va);
            v8 = Vector.FusedMultiplyAdd(v8, vm, va);
            v9 = Vector.FusedMultiplyAdd(v9, vm, va);
            v10 = Vector.FusedMultiplyAdd(v10, vm, va);
            v11 = Vector.FusedMultiplyAdd(v11, vm, va);
        }

        return Vector.Sum(v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v10 + v11);
    }
}
