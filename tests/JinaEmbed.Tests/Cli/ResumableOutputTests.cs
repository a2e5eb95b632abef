// What --resume keeps of a file a killed run left (issue #17): whole rows, never a torn tail, never another run's rows.
using System.Text;
using JinaEmbed.Cli.IO;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Cli;

public sealed class ResumableOutputTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("jinaembed-resume-");

    public void Dispose() => _work.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_work.FullName, name);

    [Fact]
    public void Jsonl_KeepsCompleteRows_AndCutsATornLine()
    {
        var path = PathOf("out.jsonl");
        File.WriteAllText(path, "{\"index\":5,\"embedding\":[1,2]}\n{\"index\":6,\"embedding\":[3,4]}\n{\"index\":7,\"embed");

        var point = ResumableOutput.RecoverJsonl(path, multiVector: false, firstIndex: 5);

        Assert.Equal(new ResumePoint(2, 2), point);
        Assert.Equal("{\"index\":5,\"embedding\":[1,2]}\n{\"index\":6,\"embedding\":[3,4]}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Jsonl_WithAnotherRunsRow_IsRefusedAndLeftAlone()
    {
        var path = PathOf("out.jsonl");
        const string text = "{\"index\":0,\"embedding\":[1,2]}\n{\"index\":2,\"embedding\":[3,4]}\n";
        File.WriteAllText(path, text);

        var error = Assert.Throws<InvalidDataException>(() => ResumableOutput.RecoverJsonl(path, multiVector: false, firstIndex: 0));

        Assert.Contains("line 2 is not row 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public async Task Npy_KeepsWholeRowsPastTheHeadersCount_AndCutsATornRow()
    {
        var path = PathOf("out.npy");
        await using (var stream = File.Create(path))
        {
            await using var writer = VectorWriter.Create(OutputFormat.Npy, stream);
            await writer.WriteAsync(new float[] { 1, 2, 3 });
            await writer.CheckpointAsync();
            await writer.WriteAsync(new float[] { 4, 5, 6 });
            await stream.FlushAsync();
            stream.Write([0, 0, 0x80]); // a torn third row
        }

        var point = ResumableOutput.RecoverNpy(path);

        Assert.Equal(new ResumePoint(2, 3), point);
        Assert.Equal(128 + (2 * 3 * 4), new FileInfo(path).Length);
    }

    [Fact]
    public void Npy_KilledBeforeItsHeader_StartsAgain()
    {
        var path = PathOf("out.npy");
        File.WriteAllBytes(path, new byte[40]);

        var point = ResumableOutput.RecoverNpy(path);

        Assert.Equal(new ResumePoint(0, 0), point);
        Assert.Equal(NpyVectorWriter.Header(0, 0), File.ReadAllBytes(path));
    }

    [Fact]
    public async Task MultiVectorPair_KeepsItemsWholeInBothFiles()
    {
        var values = PathOf("out.npy");
        var offsets = PathOf("out.offsets.npy");
        await using (var valueStream = File.Create(values))
        await using (var offsetStream = File.Create(offsets))
        {
            await using var writer = VectorWriter.CreateMulti(OutputFormat.Npy, valueStream, offsetStream);
            await writer.WriteAsync(new MultiVector([1, 2, 3, 4], 2));
            await writer.WriteAsync(new MultiVector([5, 6], 2));
            await writer.CheckpointAsync();
            await writer.WriteAsync(new MultiVector([7, 8, 9, 10, 11, 12], 2));
            await valueStream.FlushAsync(); // the third item's vectors, but not its offset
        }

        var point = ResumableOutput.RecoverNpyMulti(values, offsets);

        Assert.Equal(new ResumePoint(2, 2, 3), point);
        Assert.Equal(128 + (3 * 2 * 4), new FileInfo(values).Length);
        Assert.Equal(128 + (3 * 8), new FileInfo(offsets).Length);
    }

    [Fact]
    public void Progress_NamesEveryDifference()
    {
        var path = PathOf("out.jsonl.progress");
        ResumableOutput.WriteProgress(path, new Dictionary<string, string> { ["task"] = "retrieval.query", ["dimensions"] = "all" });

        var same = ResumableOutput.CompareProgress(path, new Dictionary<string, string> { ["dimensions"] = "all", ["task"] = "retrieval.query" });
        var other = ResumableOutput.CompareProgress(path, new Dictionary<string, string> { ["task"] = "retrieval.passage", ["dimensions"] = "all", ["shard"] = "0/2" });

        Assert.Empty(same);
        Assert.Equal(["shard: (none) when the output was started, 0/2 now", "task: retrieval.query when the output was started, retrieval.passage now"], other);
        Assert.Contains("\"task\"", Encoding.UTF8.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);
    }
}
