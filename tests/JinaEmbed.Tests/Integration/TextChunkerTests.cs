// The SemanticSearch sample's chunker: paragraphs, whitespace collapsed, long paragraphs cut at sentence ends.
using JinaEmbed.Samples.SemanticSearch;

namespace JinaEmbed.Tests.Integration;

public sealed class TextChunkerTests
{
    [Fact]
    public void The_chunker_splits_paragraphs_and_long_paragraphs_at_sentence_ends()
    {
        var chunks = TextChunker.Split("First  line\nstill first.\r\n\r\nSecond. Third one! Fourth?\n\n\n", maxChars: 20);

        Assert.Equal(["First line still first.", "Second. Third one!", "Fourth?"], chunks);
        Assert.Empty(TextChunker.Split(" \n\n \t"));
    }
}
