// Measures the machine's fp32 FMA throughput with a register-only loop on every thread of a context:
// the denominator for "GEMM at x % of peak" in the benchmark (issue #4). Issue #15: a single trial on a loaded machine
// read 141 GFLOP/s and made a GEMM "271 % of peak", so the readings take the best of several trials, keep the spread,
// and refuse a ratio above 1 (PeakReading.Fraction); the int8 loop measures the dot-product rate the int8 GEMM uses.
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

    /// <summary>fp32 FMA peak over <paramref name="trials"/> trials (GFLOP/s, an FMA counts 2): best, min, median, max.</summary>
    public static PeakReading Measure(ComputeContext context, int trials = 5, int iterations = 20_000_000)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        var values = new double[trials];
        for (int t = 0; t < trials; t++)
        {
            values[t] = MeasureGflops(context, iterations);
        }

        return PeakReading.FromTrials("GFLOP/s", values);
    }

    /// <summary>
    /// Int8 dot-product peak over <paramref name="trials"/> trials (GOP/s, a multiply-add counts 2 like an FMA), with the
    /// instructions the int8 GEMM uses on this context: AVX-VNNI vpdpbusd (u8 × s8 → i32), else AVX-512BW or AVX2
    /// pmaddwd + paddd on int16, else portable <c>Vector&lt;int&gt;</c> multiply-adds.
    /// </summary>
    public static PeakReading MeasureInt8(ComputeContext context, int trials = 5, int iterations = 20_000_000)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        int path = context.Vnni ? 2 : context.Tier == IsaTier.Avx512 ? 3 : context.Tier >= IsaTier.Avx2 ? 1 : 0;

        // Multiply-adds per loop iteration per thread: 12 accumulators × (32 for vpdpbusd ymm or pmaddwd zmm, 16 for
        // pmaddwd ymm, lanes for Vector<int>).
        int macs = Accumulators * (path switch { 2 or 3 => 32, 1 => 16, _ => Vector<int>.Count });
        Int8Loop(path, 1000); // JIT warm-up
        var values = new double[trials];
        var seconds = new double[context.Threads];
        for (int trial = 0; trial < trials; trial++)
        {
            var clock = Stopwatch.StartNew();
            context.For(context.Threads, t =>
            {
                var watch = Stopwatch.StartNew();
                Int8Loop(path, iterations);
                seconds[t] = watch.Elapsed.TotalSeconds;
            });
            values[trial] = 2.0 * macs * (double)iterations * context.Threads / Math.Max(clock.Elapsed.TotalSeconds, seconds.Max()) / 1e9;
        }

        return PeakReading.FromTrials("int8 GOP/s", values);
    }

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
    private static int Int8Loop(int path, int iterations)
    {
        if (path == 2)
        {
            var a = Vector256.Create((byte)3);
            var b = Vector256.Create((sbyte)-2);
            Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector256<int> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
            for (int i = 0; i < iterations; i++)
            {
                c0 = AvxVnni.MultiplyWideningAndAdd(c0, a, b);
                c1 = AvxVnni.MultiplyWideningAndAdd(c1, a, b);
                c2 = AvxVnni.MultiplyWideningAndAdd(c2, a, b);
                c3 = AvxVnni.MultiplyWideningAndAdd(c3, a, b);
                c4 = AvxVnni.MultiplyWideningAndAdd(c4, a, b);
                c5 = AvxVnni.MultiplyWideningAndAdd(c5, a, b);
                c6 = AvxVnni.MultiplyWideningAndAdd(c6, a, b);
                c7 = AvxVnni.MultiplyWideningAndAdd(c7, a, b);
                c8 = AvxVnni.MultiplyWideningAndAdd(c8, a, b);
                c9 = AvxVnni.MultiplyWideningAndAdd(c9, a, b);
                c10 = AvxVnni.MultiplyWideningAndAdd(c10, a, b);
                c11 = AvxVnni.MultiplyWideningAndAdd(c11, a, b);
            }

            return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        if (path == 3)
        {
            // Each product reads its own accumulator, so no two are the same expression (no CSE) and 12 chains overlap.
            var a = Vector512.Create(3);
            var b = Vector512.Create((short)-2);
            Vector512<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector512<int> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
            for (int i = 0; i < iterations; i++)
            {
                c0 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c0.AsInt16(), b), a);
                c1 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c1.AsInt16(), b), a);
                c2 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c2.AsInt16(), b), a);
                c3 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c3.AsInt16(), b), a);
                c4 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c4.AsInt16(), b), a);
                c5 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c5.AsInt16(), b), a);
                c6 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c6.AsInt16(), b), a);
                c7 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c7.AsInt16(), b), a);
                c8 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c8.AsInt16(), b), a);
                c9 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c9.AsInt16(), b), a);
                c10 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c10.AsInt16(), b), a);
                c11 = Avx512F.Add(Avx512BW.MultiplyAddAdjacent(c11.AsInt16(), b), a);
            }

            return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        if (path == 1)
        {
            // Each product reads its own accumulator, so no two are the same expression (no CSE) and 12 chains overlap.
            var a = Vector256.Create(3);
            var b = Vector256.Create((short)-2);
            Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector256<int> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
            for (int i = 0; i < iterations; i++)
            {
                c0 = Avx2.Add(Avx2.MultiplyAddAdjacent(c0.AsInt16(), b), a);
                c1 = Avx2.Add(Avx2.MultiplyAddAdjacent(c1.AsInt16(), b), a);
                c2 = Avx2.Add(Avx2.MultiplyAddAdjacent(c2.AsInt16(), b), a);
                c3 = Avx2.Add(Avx2.MultiplyAddAdjacent(c3.AsInt16(), b), a);
                c4 = Avx2.Add(Avx2.MultiplyAddAdjacent(c4.AsInt16(), b), a);
                c5 = Avx2.Add(Avx2.MultiplyAddAdjacent(c5.AsInt16(), b), a);
                c6 = Avx2.Add(Avx2.MultiplyAddAdjacent(c6.AsInt16(), b), a);
                c7 = Avx2.Add(Avx2.MultiplyAddAdjacent(c7.AsInt16(), b), a);
                c8 = Avx2.Add(Avx2.MultiplyAddAdjacent(c8.AsInt16(), b), a);
                c9 = Avx2.Add(Avx2.MultiplyAddAdjacent(c9.AsInt16(), b), a);
                c10 = Avx2.Add(Avx2.MultiplyAddAdjacent(c10.AsInt16(), b), a);
                c11 = Avx2.Add(Avx2.MultiplyAddAdjacent(c11.AsInt16(), b), a);
            }

            return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        var va = new Vector<int>(3);
        var vb = new Vector<int>(-2);
        Vector<int> v0 = default, v1 = default, v2 = default, v3 = default, v4 = default, v5 = default;
        Vector<int> v6 = default, v7 = default, v8 = default, v9 = default, v10 = default, v11 = default;
        for (int i = 0; i < iterations; i++)
        {
            v0 = (v0 * vb) + va;
            v1 = (v1 * vb) + va;
            v2 = (v2 * vb) + va;
            v3 = (v3 * vb) + va;
            v4 = (v4 * vb) + va;
            v5 = (v5 * vb) + va;
            v6 = (v6 * vb) + va;
            v7 = (v7 * vb) + va;
            v8 = (v8 * vb) + va;
            v9 = (v9 * vb) + va;
            v10 = (v10 * vb) + va;
            v11 = (v11 * vb) + va;
        }

        return Vector.Sum(v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v10 + v11);
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
