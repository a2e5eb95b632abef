using System.Diagnostics;
using JinaEmbed.Images;

namespace JinaEmbed.Tests.Images;

/// <summary>
/// Seeded random mutations (bit flips, truncations, insertions, deletions, overwrites) of valid images of every format
/// through Decode + Preprocess for a bounded time: each input ends in success or an <see cref="ImageException"/>,
/// within a per-input timeout.
/// </summary>
public sealed class ImageFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    private static byte[][] Seeds()
    {
        var fixtures = new[] { "img_100x70.png", "rgba_90x60.png", "gray_64x80.png", "photo_160x120.jpg" }
            .Select(f => File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", f)));
        var generated = new[]
        {
            "progressive.jpg", "cmyk.jpg", "gray.jpg", "gif_trns.gif", "anim.gif", "gif_subframe.gif", "lossy.webp",
            "lossless_alpha.webp", "anim.webp", "rgb.bmp", "p.bmp", "mode1.bmp", "gray16_adam7.png", "rgb16_adam7_filters.png",
            "p_trns.png", "rgb8_adam7.png", "la.png",
        }.Select(f => File.ReadAllBytes(ImageDecoderTests.DataPath(f)));
        return [.. fixtures, .. generated];
    }

    internal static byte[] Mutate(byte[] seed, Random rng)
    {
        var d = new List<byte>(seed);
        var ops = 1 + rng.Next(4);
        for (var o = 0; o < ops && d.Count > 1; o++)
        {
            switch (rng.Next(6))
            {
                case 0: // bit flips
                    for (var k = 1 + rng.Next(8); k > 0; k--)
                    {
                        var i = rng.Next(d.Count);
                        d[i] ^= (byte)(1 << rng.Next(8));
                    }

                    break;
                case 1: // truncation
                    var cut = rng.Next(1, d.Count);
                    d.RemoveRange(cut, d.Count - cut);
                    break;
                case 2: // insertion
                    var at = rng.Next(d.Count + 1);
                    d.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256)));
                    break;
                case 3: // deletion
                    var from = rng.Next(d.Count);
                    d.RemoveRange(from, Math.Min(d.Count - from, 1 + rng.Next(16)));
                    break;
                case 4: // a header byte
                    d[rng.Next(Math.Min(d.Count, 64))] = (byte)rng.Next(256);
                    break;
                default: // overwrite a run
                    var start = rng.Next(d.Count);
                    for (var k = Math.Min(d.Count - start, 1 + rng.Next(32)) - 1; k >= 0; k--)
                    {
                        d[start + k] = (byte)rng.Next(256);
                    }

                    break;
            }
        }

        return [.. d];
    }

    [Fact]
    public async Task MutatedImagesOnlyEverFailWithImageException()
    {
        var seeds = Seeds();
        var rng = new Random(20260114);
        var preprocessor = new ImagePreprocessor(ImagePreprocessorConfig.Default);
        var clock = Stopwatch.StartNew();
        int inputs = 0, decoded = 0, refused = 0;
        while (clock.Elapsed < Budget)
        {
            var seedIndex = rng.Next(seeds.Length);
            var data = Mutate(seeds[seedIndex], rng);
            Exception? unexpected = null;
            var run = Task.Run(() =>
            {
                try
                {
                    var image = ImageDecoder.Decode(data, maxPixels: 4_000_000);
                    var patches = preprocessor.Preprocess(image);
                    Assert.True(patches.PatchCount > 0);
                    Interlocked.Increment(ref decoded);
                }
                catch (ImageException)
                {
                    Interlocked.Increment(ref refused);
                }
                catch (Exception e)
                {
                    unexpected = e;
                }
            });
            try
            {
                await run.WaitAsync(PerInput);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"input {inputs} (seed {seedIndex}, {data.Length} bytes) did not finish within {PerInput.TotalSeconds} s");
            }

            Assert.True(unexpected is null, $"input {inputs} (seed {seedIndex}): {unexpected}");
            inputs++;
        }

        Assert.True(inputs >= 200, $"only {inputs} inputs in {Budget.TotalSeconds} s");
        Assert.True(decoded > 0 && refused > 0, $"{decoded} decoded, {refused} refused");
    }
}
