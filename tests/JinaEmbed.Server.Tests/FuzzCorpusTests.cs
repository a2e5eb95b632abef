// The fuzz corpus replayed without afl-fuzz (docs/testing.md): every committed seed and every crash input that
// fuzzing found (tests/Fuzz/regressions/<target>/) must be accepted or refused with the documented error, so a crash
// found once stays fixed. The seeds must also get past the parsers, or fuzzing would start from rejected inputs only.
using JinaEmbed.Checkpoints;
using JinaEmbed.Fuzz;
using JinaEmbed.Server.Contracts;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Server.Tests;

public class FuzzCorpusTests
{
    private static readonly Lazy<string> FuzzFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JinaEmbed.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "Fuzz");
            }
        }

        throw new DirectoryNotFoundException("Could not find the repository root (JinaEmbed.slnx) above the test binaries.");
    });

    public static TheoryData<string, string> CommittedInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.Names)
        {
            foreach (var kind in new[] { "corpus", "regressions" })
            {
                var folder = Path.Combine(FuzzFolder.Value, kind, target);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                {
                    data.Add(target, Path.GetRelativePath(FuzzFolder.Value, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommittedInputs))]
    public void Committed_input_is_accepted_or_refused_with_the_documented_error(string target, string file)
    {
        // Throws (and so fails) on anything but the target's documented refusals.
        FuzzTargets.Run(target, File.ReadAllBytes(Path.Combine(FuzzFolder.Value, file)));
    }

    [Fact]
    public void Every_target_has_seeds()
    {
        foreach (var target in FuzzTargets.Names)
        {
            var folder = Path.Combine(FuzzFolder.Value, "corpus", target);
            Assert.True(Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any(), $"no seeds in {folder}");
        }
    }

    [Fact]
    public void Tokenizer_seeds_load_and_encode()
    {
        foreach (var file in Seeds("tokenizer"))
        {
            var tokenizer = Tokenizer.FromFile(file);
            Assert.True(tokenizer.Encode("Hello world").Count > 0, file);
        }
    }

    [Fact]
    public void Safetensors_seeds_open_with_their_tensors()
    {
        foreach (var file in Seeds("safetensors"))
        {
            using var checkpoint = SafetensorsFile.Open(file);
            Assert.NotEmpty(checkpoint.Tensors);
        }
    }

    [Fact]
    public void Request_seeds_parse_and_most_map()
    {
        int mapped = 0, parsed = 0;
        foreach (var file in Seeds("request"))
        {
            var body = File.ReadAllBytes(file);
            var wire = RequestMapping.Parse(body, ServerJsonContext.Default.EmbeddingsApiRequest);
            parsed++;
            foreach (var shape in new[] { ModelShape.JinaV3, ModelShape.JinaV4 })
            {
                try
                {
                    RequestMapping.Map(wire, shape, new ServerOptions(), ["tiny-jina-v3"]);
                    mapped++;
                    break;
                }
                catch (ApiException)
                {
                    // Some seeds are meant to be refused by one shape (images on v3) or both (late chunking of ids).
                }
            }
        }

        Assert.True(mapped * 2 > parsed, $"only {mapped} of {parsed} request seeds map on either model shape");
    }

    private static IEnumerable<string> Seeds(string target) =>
        Directory.EnumerateFiles(Path.Combine(FuzzFolder.Value, "corpus", target)).Order(StringComparer.Ordinal);
}
