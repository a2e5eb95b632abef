// The soak's traffic: request i is a pure function of i, so a failing run can be replayed exactly. About three in
// five are embeddings of every shape (tasks, sizes, dimensions, encodings, both dialects, token ids, late chunking),
// the rest tokenize, read-only GETs and bad requests that the contract answers with a 4xx.
using System.Text;
using System.Text.Json;

namespace JinaEmbed.Soak;

/// <summary>One request and what a correct server answers.</summary>
/// <param name="Kind">Label for the summary table.</param>
/// <param name="Method">GET or POST.</param>
/// <param name="Path">Route.</param>
/// <param name="Body">UTF-8 body of a POST, or null.</param>
/// <param name="Status">The status the contract gives.</param>
/// <param name="Items">For a 200 embeddings or tokenize answer: how many entries <c>data</c> / <c>tokens</c> holds.</param>
/// <param name="Dimensions">For a 200 float embeddings answer: the length of each vector.</param>
internal sealed record SoakRequest(string Kind, string Method, string Path, byte[]? Body, int Status, int Items = 0, int? Dimensions = null);

/// <summary>Builds request <c>i</c> of the mix for a jina-embeddings-v3-shaped model.</summary>
internal sealed class RequestMix(int hiddenSize, int vocabularySize)
{
    private static readonly string[] Tasks = ["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching", "none"];

    private static readonly string[] Words =
    [
        "mountain", "river", "Berlin", "capital", "population", "the", "is", "of", "Grüße", "straße", "東京", "café",
        "naïve", "embedding", "vector", "soak", "résumé", "日本語", "données", "квартира", "🙂", "3.85", "million", "año",
    ];

    public SoakRequest Build(int i)
    {
        var random = new Random(i);
        int slot = random.Next(100);
        return slot switch
        {
            < 45 => JinaEmbeddings(random),
            < 55 => OpenAiEmbeddings(random),
            < 60 => TokenIdEmbeddings(random),
            < 70 => Tokenize(random),
            < 78 => Get(random),
            _ => Bad(random),
        };
    }

    private SoakRequest JinaEmbeddings(Random random)
    {
        int items = 1 + random.Next(6);
        bool late = random.Next(6) == 0 && items > 1;
        var body = new Dictionary<string, object?> { ["input"] = Texts(random, items) };
        int? task = random.Next(Tasks.Length + 1) is var t && t < Tasks.Length ? t : null; // null: the server's default
        if (task is { } k)
        {
            body["task"] = Tasks[k];
        }

        int? dimensions = random.Next(4) switch
        {
            0 => null,
            1 => 8 * (1 + random.Next(hiddenSize / 8)), // a multiple of 8, so the binary encodings apply
            2 => 1 + random.Next(hiddenSize),
            _ => hiddenSize / 2,
        };
        if (dimensions != null)
        {
            body["dimensions"] = dimensions;
        }

        bool packable = (dimensions ?? hiddenSize) % 8 == 0;
        object? type = random.Next(5) switch
        {
            0 => null,
            1 => "float",
            2 => "base64",
            3 => packable ? "ubinary" : "float",
            _ => packable ? new[] { "float", "binary" } : new[] { "base64", "float" },
        };
        if (type != null)
        {
            body["embedding_type"] = type;
        }

        if (late)
        {
            body["late_chunking"] = true;
        }

        if (random.Next(4) == 0)
        {
            body["normalized"] = random.Next(2) == 0;
        }

        bool floats = type is null or "float";
        return Post("embeddings", "/v1/embeddings", body, 200, items, floats ? dimensions ?? hiddenSize : null);
    }

    private SoakRequest OpenAiEmbeddings(Random random)
    {
        bool single = random.Next(3) == 0;
        int items = single ? 1 : 1 + random.Next(6);
        var body = new Dictionary<string, object?>
        {
            ["model"] = "tiny-jina-v3",
            ["input"] = single ? Text(random) : Texts(random, items),
            ["encoding_format"] = random.Next(2) == 0 ? "float" : "base64",
            ["user"] = "soak",
        };
        if (random.Next(2) == 0)
        {
            body["dimensions"] = 16;
        }

        int? dimensions = (string)body["encoding_format"]! == "float" ? body.ContainsKey("dimensions") ? 16 : hiddenSize : null;
        return Post("openai", "/v1/embeddings", body, 200, items, dimensions);
    }

    private SoakRequest TokenIdEmbeddings(Random random)
    {
        int items = 1 + random.Next(4);
        var ids = Enumerable.Range(0, items).Select(_ => Enumerable.Range(0, 1 + random.Next(40)).Select(_ => random.Next(vocabularySize)).ToArray()).ToArray();
        var body = new Dictionary<string, object?> { ["input"] = ids, ["task"] = Tasks[random.Next(Tasks.Length)] };
        return Post("token-ids", "/embeddings", body, 200, items, hiddenSize);
    }

    private SoakRequest Tokenize(Random random)
    {
        int items = 1 + random.Next(4);
        var body = new Dictionary<string, object?> { ["input"] = Texts(random, items) };
        if (random.Next(2) == 0)
        {
            body["task"] = Tasks[random.Next(Tasks.Length - 1)];
        }

        if (random.Next(3) == 0)
        {
            body["add_special_tokens"] = false;
        }

        return Post("tokenize", "/tokenize", body, 200, items);
    }

    private static SoakRequest Get(Random random) => random.Next(4) switch
    {
        0 => new SoakRequest("get", "GET", "/info", null, 200),
        1 => new SoakRequest("get", "GET", "/v1/models", null, 200),
        2 => new SoakRequest("get", "GET", "/health", null, 200),
        _ => new SoakRequest("get", "GET", "/ready", null, 200),
    };

    /// <summary>Requests the contract refuses (api.md "Errors"); each must get its 4xx, never a 5xx.</summary>
    private SoakRequest Bad(Random random)
    {
        int overLimit = 2049;
        return random.Next(16) switch
        {
            0 => Raw("/v1/embeddings", "{\"input\": [\"a\", }"u8.ToArray(), 400),
            1 => Post("bad", "/v1/embeddings", new { input = new[] { "a" }, task = "summarization" }, 400),
            2 => Post("bad", "/v1/embeddings", new { input = Array.Empty<string>() }, 400),
            3 => Post("bad", "/v1/embeddings", new { input = new[] { "a" }, dimensions = random.Next(2) == 0 ? 0 : hiddenSize + 1 }, 400),
            4 => Post("bad", "/v1/embeddings", new { input = new[] { "a" }, dimensions = 12, embedding_type = "binary" }, 400),
            5 => Post("bad", "/v1/embeddings", new { input = new[] { new[] { 0, vocabularySize } } }, 400),
            6 => Post("bad", "/v1/embeddings", new { input = 5 }, 400),
            7 => Raw("/v1/embeddings", "{\"input\": \"\\ud800 alone\"}"u8.ToArray(), 400),
            8 => Post("bad", "/v1/embeddings", new { input = new[] { "a" }, embedding_type = "int4" }, 400),
            9 => Post("bad", "/v1/embeddings", new { input = new[] { new[] { 0, 5, 2 }, new[] { 0, 6, 2 } }, late_chunking = true }, 400),
            10 => Raw("/v1/embeddings", [(byte)'{', 0x22, 0xC3, 0x28, 0x22, (byte)':', (byte)'1', (byte)'}'], 400), // invalid UTF-8
            11 => Post("bad", "/tokenize", new { input = Array.Empty<string>() }, 400),
            12 => Post("bad", "/v1/embeddings", new { input = new[] { new { image = "iVBORw0KGgo=" } } }, 400), // v3 embeds text only
            13 => Post("bad", "/v1/embeddings", new { input = Enumerable.Repeat("x", overLimit).ToArray() }, 413),
            14 => new SoakRequest("bad", "GET", "/v1/embeddings", null, 405),
            _ => new SoakRequest("bad", "POST", "/v1/nothing-here", "{}"u8.ToArray(), 404),
        };
    }

    private static SoakRequest Post(string kind, string path, object body, int status, int items = 0, int? dimensions = null) =>
        new(kind, "POST", path, JsonSerializer.SerializeToUtf8Bytes(body), status, items, dimensions);

    private static SoakRequest Raw(string path, byte[] body, int status) => new("bad", "POST", path, body, status);

    private static string[] Texts(Random random, int count) => Enumerable.Range(0, count).Select(_ => Text(random)).ToArray();

    /// <summary>1–32 words, one in 25 a long one (100–300 words), so batches mix short and long sequences.</summary>
    private static string Text(Random random)
    {
        int words = random.Next(25) == 0 ? 100 + random.Next(200) : 1 + random.Next(32);
        var text = new StringBuilder();
        for (int w = 0; w < words; w++)
        {
            text.Append(w == 0 ? "" : " ").Append(Words[random.Next(Words.Length)]);
        }

        return text.ToString();
    }
}
