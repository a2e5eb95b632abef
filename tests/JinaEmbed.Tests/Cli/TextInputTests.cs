// Input texts of `jinaembed embed`: lines, JSONL, CSV columns with quoting (issue #7).
using JinaEmbed.Cli.IO;

namespace JinaEmbed.Tests.Cli;

public sealed class TextInputTests
{
    private static List<string> Read(string input, InputFormat format, string field = "text") =>
        TextInput.Read(new StringReader(input), format, field).ToList();

    [Fact]
    public void Lines_AreTextsAsIs()
    {
        Assert.Equal(["a b ", "", "  c"], Read("a b \r\n\n  c", InputFormat.Text));
    }

    [Fact]
    public void Jsonl_TakesStringsOrTheNamedField()
    {
        Assert.Equal(["x", "y\nz", "w"], Read("{\"text\": \"x\"}\n\"y\\nz\"\n\n{\"id\": 3, \"text\": \"w\"}\n", InputFormat.Jsonl));
        Assert.Equal(["q"], Read("{\"body\": \"q\"}", InputFormat.Jsonl, "body"));
        var error = Assert.Throws<InvalidDataException>(() => Read("{\"text\": 1}\n{\"other\": \"x\"}", InputFormat.Jsonl));
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Read("{not json", InputFormat.Jsonl));
    }

    [Fact]
    public void Csv_TakesTheNamedColumn_WithQuotesCommasAndLineBreaks()
    {
        var csv = "id,text,label\r\n1,plain,a\n2,\"with, comma\",b\n3,\"say \"\"hi\"\"\nnext line\",c\n4,,d";
        Assert.Equal(["plain", "with, comma", "say \"hi\"\nnext line", ""], Read(csv, InputFormat.Csv));
        Assert.Equal(["a", "b", "c", "d"], Read(csv, InputFormat.Csv, "label"));
        Assert.Equal(["1", "2", "3", "4"], Read(csv, InputFormat.Csv, "0"));
        var error = Assert.Throws<InvalidDataException>(() => Read(csv, InputFormat.Csv, "missing"));
        Assert.Contains("id, text, label", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Read("text\n\"open", InputFormat.Csv));
    }

    [Theory]
    [InlineData("in.jsonl", "Jsonl")]
    [InlineData("in.CSV", "Csv")]
    [InlineData("in.txt", "Text")]
    [InlineData(null, "Text")]
    public void Extension_PicksTheFormat(string? path, string format) => Assert.Equal(format, TextInput.FromExtension(path).ToString());
}
