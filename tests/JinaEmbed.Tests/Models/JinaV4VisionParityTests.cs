// The vision tower and the image sequence against Jina's official outputs (spec §5.2, §6, §8): fed the fixtures'
// fast-path pixel_values, so these tests pin the model independently of decoding and resizing.
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Images;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Models;

public sealed class JinaV4VisionParityTests(JinaV4Fixture fixture) : IClassFixture<JinaV4Fixture>
{
    public static TheoryData<string, string> TinyImageCases() => ImageCases("tiny-jina-v4");

    public static TheoryData<string, string> RealDimsImageCases() => ImageCases("tiny-jina-v4-realdims");

    [Fact]
    public void WindowOrderOfOneWindowIsTheIdentity()
    {
        // 100×70 → grid 4×8 → 2×4 merged tokens: one window (spec §6.4).
        var (index, starts) = JinaV4VisionTower.WindowOrder(4, 8, 2, 4);
        Assert.Equal(Enumerable.Range(0, 8), index);
        Assert.Equal([0, 32], starts);
    }

    [Fact]
    public void WindowOrderPadsToWholeWindowsAndDropsThePadding()
    {
        // 300×200 → grid 14×22 → 7×11 merged tokens → 2×3 windows of 16, 16, 12, 12, 12, 9 (spec §6.4's example).
        var (index, starts) = JinaV4VisionTower.WindowOrder(14, 22, 2, 4);
        Assert.Equal([0, 64, 128, 176, 224, 272, 308], starts);
        Assert.Equal(77, index.Length);
        Assert.Equal(Enumerable.Range(0, 77), index.Order());
        Assert.Equal([0, 1, 2, 3, 11, 12, 13, 14, 22, 23, 24, 25, 33, 34, 35, 36, 4], index[..17]);
        Assert.Equal([52, 53, 54, 63, 64, 65, 74, 75, 76], index[^9..]);
    }

    [Fact]
    public void WindowOrderAddsAWholeEmptyWindowWhenTheSideIsAMultipleAndSkipsIt()
    {
        var (index, starts) = JinaV4VisionTower.WindowOrder(8, 8, 2, 4);
        Assert.Equal([0, 64], starts);
        Assert.Equal(Enumerable.Range(0, 16), index);
    }

    [Fact]
    public void PatchPositionsFollowTheMergeBlockOrder()
    {
        var (rows, columns) = JinaV4VisionTower.PatchPositions(4, 6, 2);
        Assert.Equal([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3], rows[..16]);
        Assert.Equal([0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 0, 1, 0, 1], columns[..16]);
    }

    [Fact]
    public void ImagePositionsMatchTheSpecsWorkedExample()
    {
        // 100×70 → H' = 2, W' = 4, n = 8, S = 19 (spec §5.2).
        int[] ids = [151644, 872, 198, 151652, .. Enumerable.Repeat(151655, 8), 151653, 74785, 279, 2168, 13, 151645, 198];
        var (t, h, w) = (new int[19], new int[19], new int[19]);
        JinaV4Model.ImagePositions(ids, 151655, 2, 4, t, h, w);
        Assert.Equal([0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 8, 9, 10, 11, 12, 13, 14], t);
        Assert.Equal([0, 1, 2, 3, 4, 4, 4, 4, 5, 5, 5, 5, 8, 9, 10, 11, 12, 13, 14], h);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], w);
    }

    [Theory]
    [MemberData(nameof(TinyImageCases))]
    public void TinyImageCaseMatchesOfficialOutputs(string id, string adapter) =>
        AssertImageCase(fixture.Tiny, fixture.TinyEmbedder, fixture.TinyDirectory, id, adapter);

    [Theory]
    [MemberData(nameof(RealDimsImageCases))]
    public void RealDimsImageCaseMatchesOfficialOutputs(string id, string adapter) =>
        AssertImageCase(fixture.RealDims, fixture.RealDimsEmbedder, fixture.RealDimsDirectory, id, adapter);

    [Fact]
    public void ImagesOfDifferentSizesPackedWithTextOfOtherTasksMatchEachAlone()
    {
        // Every tiny image case (three sizes of windows, one batch) plus text cases of all three adapters, one forward pass.
        var embedder = fixture.TinyEmbedder;
        var model = (JinaV4Model)embedder.Model;
        var images = fixture.Tiny.RootElement.GetProperty("image_cases").EnumerateArray().Where(c => !c.TryGetProperty("error", out _)).ToList();
        var texts = fixture.Tiny.RootElement.GetProperty("text_cases").EnumerateArray().Where(c => c.GetProperty("n_tokens").GetInt32() < 200).Take(6).ToList();
        string[] adapters = ["retrieval", "code", "text-matching"];
        var sequences = new List<int[]>();
        var adapterIndexes = new List<int>();
        var patches = new List<ImagePatches?>();
        var expected = new List<(JsonElement Outputs, bool Image, string What)>();
        for (int i = 0; i < Math.Max(images.Count, texts.Count); i++)
        {
            if (i < images.Count)
            {
                string a = adapters[i % 3];
                sequences.Add(Parity.Ints(images[i].GetProperty("input_ids")));
                adapterIndexes.Add(AdapterIndex(model, a));
                patches.Add(Patches(fixture.TinyDirectory, images[i], model));
                expected.Add((images[i].GetProperty("outputs").GetProperty(a).GetProperty("fast"), true, $"{images[i].GetProperty("id").GetString()}/{a}"));
            }

            if (i < texts.Count)
            {
                sequences.Add(Parity.Ints(texts[i].GetProperty("input_ids")));
                adapterIndexes.Add(embedder.ResolveTask(texts[i].GetProperty("task").GetString()).Adapter);
                patches.Add(null);
                expected.Add((texts[i], false, texts[i].GetProperty("id").GetString()!));
            }
        }

        var batch = EncoderBatch.FromSequences(sequences, adapterIndexes);
        batch = new EncoderBatch(batch.TokenIds, batch.SequenceStarts, batch.Adapters) { Images = patches };
        var states = model.Forward(batch);
        var options = new EmbedOptions { Output = EmbeddingOutput.Both };
        for (int s = 0; s < sequences.Count; s++)
        {
            int start = batch.SequenceStarts[s], end = batch.SequenceStarts[s + 1];
            var (spanStart, spanEnd) = expected[s].Image ? VisionSpan(sequences[s], model.Config, start) : (start, end);
            var single = embedder.Pool(states, spanStart, spanEnd, options);
            var multi = embedder.MultiVectorsFor(adapterIndexes[s], options).Project(states.AsSpan(start * model.HiddenSize), end - start);
            Parity.Within(single, Parity.Floats(expected[s].Outputs.GetProperty("single")), 1e-5, $"{expected[s].What} packed single");
            Parity.Within(multi.Values, Parity.Rows(expected[s].Outputs.GetProperty("multi")), 1e-4, $"{expected[s].What} packed multi");
        }
    }

    [Fact]
    public void OfficialImageBatchesMatchTheirItems()
    {
        foreach (var (expected, embedder, directory) in new[] { (fixture.Tiny, fixture.TinyEmbedder, fixture.TinyDirectory), (fixture.RealDims, fixture.RealDimsEmbedder, fixture.RealDimsDirectory) })
        {
            var model = (JinaV4Model)embedder.Model;
            double singleTolerance = JinaV4Fixture.Tolerance(expected, "single_abs"), multiTolerance = JinaV4Fixture.Tolerance(expected, "multi_abs");
            foreach (var b in expected.RootElement.GetProperty("image_batches").EnumerateArray())
            {
                string adapter = b.GetProperty("adapter").GetString()!;
                var names = b.GetProperty("images").EnumerateArray().Select(e => e.GetString()!).ToList();
                var cases = names.Select(n => expected.RootElement.GetProperty("image_cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == n)).ToList();
                var items = b.GetProperty("items_fast").EnumerateArray().ToList();
                var sequences = cases.Select(c => Parity.Ints(c.GetProperty("input_ids"))).ToList();
                var batch = EncoderBatch.FromSequences(sequences, cases.Select(_ => AdapterIndex(model, adapter)).ToList());
                batch = new EncoderBatch(batch.TokenIds, batch.SequenceStarts, batch.Adapters) { Images = cases.Select(c => (ImagePatches?)Patches(directory, c, model)).ToList() };
                var states = model.Forward(batch);
                var options = new EmbedOptions { Output = EmbeddingOutput.Both };
                for (int i = 0; i < cases.Count; i++)
                {
                    int start = batch.SequenceStarts[i], end = batch.SequenceStarts[i + 1];
                    var (a, z) = VisionSpan(sequences[i], model.Config, start);
                    Parity.Within(embedder.Pool(states, a, z, options), Parity.Floats(items[i].GetProperty("single")), singleTolerance, $"{b.GetProperty("id").GetString()}[{i}] single");
                    var multi = embedder.MultiVectorsFor(AdapterIndex(model, adapter), options).Project(states.AsSpan(start * model.HiddenSize), end - start);
                    Parity.Within(multi.Values, Parity.Rows(items[i].GetProperty("multi")), multiTolerance, $"{b.GetProperty("id").GetString()}[{i}] multi");
                }
            }
        }
    }

    private static void AssertImageCase(JsonDocument expected, Embedder embedder, string directory, string id, string adapter)
    {
        var model = (JinaV4Model)embedder.Model;
        var c = expected.RootElement.GetProperty("image_cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        var ids = Parity.Ints(c.GetProperty("input_ids"));
        var patches = Patches(directory, c, model);
        var grid = Parity.Ints(c.GetProperty("image_grid_thw"));
        Assert.Equal([1, patches.GridHeight, patches.GridWidth], grid);
        Assert.Equal(c.GetProperty("n_image_tokens").GetInt32(), patches.ImageTokens);

        var batch = new EncoderBatch(ids, [0, ids.Length], [AdapterIndex(model, adapter)]) { Images = [patches] };
        var positions = model.Positions(batch);
        var expectedPositions = c.GetProperty("position_ids").EnumerateArray().SelectMany(Parity.Ints).ToArray();
        Assert.Equal(expectedPositions, positions);

        var states = model.Forward(batch);
        var outputs = c.GetProperty("outputs").GetProperty(adapter).GetProperty("fast");
        var options = new EmbedOptions { Output = EmbeddingOutput.Both };
        var (start, end) = VisionSpan(ids, model.Config, 0);
        Parity.Within(embedder.Pool(states, start, end, options), Parity.Floats(outputs.GetProperty("single")), JinaV4Fixture.Tolerance(expected, "single_abs"), $"{id}/{adapter} single");
        var multi = embedder.MultiVectorsFor(AdapterIndex(model, adapter), options).Project(states, ids.Length);
        Parity.Within(multi.Values, Parity.Rows(outputs.GetProperty("multi")), JinaV4Fixture.Tolerance(expected, "multi_abs"), $"{id}/{adapter} multi");
        foreach (var m in outputs.GetProperty("matryoshka").EnumerateObject())
        {
            int dimensions = int.Parse(m.Name, System.Globalization.CultureInfo.InvariantCulture);
            var sliced = embedder.Pool(states, start, end, new EmbedOptions { Dimensions = dimensions });
            Parity.Within(sliced, Parity.Floats(m.Value), JinaV4Fixture.Tolerance(expected, "matryoshka_abs"), $"{id}/{adapter} matryoshka {dimensions}");
        }
    }

    // Rows <|vision_start|> … <|vision_end|> inclusive, offset by the sequence's start in the batch (spec §8.1).
    internal static (int Start, int End) VisionSpan(int[] ids, JinaEmbed.Checkpoints.JinaV4Config config, int offset) =>
        (offset + Array.IndexOf(ids, config.VisionStartTokenId), offset + Array.IndexOf(ids, config.VisionEndTokenId) + 1);

    private static int AdapterIndex(JinaV4Model model, string adapter) => model.Config.TaskNames.ToList().IndexOf(adapter);

    // The fast-path pixel_values of the case (realdims has none: they are the tiny fixture's for the same image).
    internal static ImagePatches Patches(string directory, JsonElement c, JinaV4Model model)
    {
        string id = c.GetProperty("id").GetString()!;
        string path = c.TryGetProperty("pixel_values_fast", out var pv)
            ? Path.Combine(directory, pv.GetProperty("npy").GetString()!)
            : Fixtures.Path("tiny-jina-v4", "blobs", id + ".pixel_values_fast.npy");
        var (shape, values) = NpyFloat32(path);
        var grid = Parity.Ints(c.GetProperty("image_grid_thw"));
        Assert.Equal(grid[1] * grid[2], shape[0]);
        return new ImagePatches(values, grid[1], grid[2], model.Config.Vision.PatchInputSize);
    }

    // A float32 C-order .npy (format 1.0/2.0): magic, version, header length, Python-dict header, raw little-endian data.
    private static (int[] Shape, float[] Values) NpyFloat32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("\u0093NUMPY", System.Text.Encoding.Latin1.GetString(bytes, 0, 6));
        int headerLength = bytes[6] == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int dataStart = (bytes[6] == 1 ? 10 : 12) + headerLength;
        string header = System.Text.Encoding.Latin1.GetString(bytes, bytes[6] == 1 ? 10 : 12, headerLength);
        Assert.Contains("'<f4'", header);
        Assert.Contains("'fortran_order': False", header);
        string shapeText = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        var shape = shapeText[..shapeText.IndexOf(')', StringComparison.Ordinal)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var values = new float[(bytes.Length - dataStart) / 4];
        Buffer.BlockCopy(bytes, dataStart, values, 0, values.Length * 4);
        Assert.Equal(shape.Aggregate(1, (a, b) => a * b), values.Length);
        return (shape, values);
    }

    private static TheoryData<string, string> ImageCases(string fixtureName)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path(fixtureName, "expected.json")));
        var data = new TheoryData<string, string>();
        foreach (var c in document.RootElement.GetProperty("image_cases").EnumerateArray())
        {
            if (c.TryGetProperty("outputs", out var outputs))
            {
                foreach (var adapter in outputs.EnumerateObject())
                {
                    data.Add(c.GetProperty("id").GetString()!, adapter.Name);
                }
            }
        }

        return data;
    }
}
