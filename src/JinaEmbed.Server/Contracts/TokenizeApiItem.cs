// One tokenized item of POST /tokenize.
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Ids, pieces and UTF-16 [start, end) offsets into the item text (prompt and special tokens get [0, 0]).</summary>
internal sealed record TokenizeApiItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("ids")] int[] Ids,
    [property: JsonPropertyName("tokens")] string[] Tokens,
    [property: JsonPropertyName("offsets")] int[][] Offsets);
