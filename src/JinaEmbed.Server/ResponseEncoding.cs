// Writes the /v1/embeddings response: float, base64, binary, ubinary (api.md "POST /v1/embeddings", Response).
using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Server;

/// <summary>Encodes embeddings in the wire formats of both dialects.</summary>
internal static class ResponseEncoding
{
    /// <summary>Writes the whole response object: <c>embedding</c> per item, or <c>embeddings</c> (one vector per token) for multi-vectors.</summary>
    public static void WriteResponse(IBufferWriter<byte> output, string modelName, EmbeddingResult result, IReadOnlyList<EmbeddingFormat> formats, bool formatsAsObject, bool multiVector = false)
    {
        // The relaxed encoder as for every response body: a model name keeps its quotes and angle brackets readable.
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteString("model", modelName);
        json.WriteStartArray("data");
        int count = multiVector ? result.MultiVectors!.Length : result.Embeddings.Length;
        for (int i = 0; i < count; i++)
        {
            json.WriteStartObject();
            json.WriteString("object", "embedding");
            json.WriteNumber("index", i);
            json.WritePropertyName(multiVector ? "embeddings" : "embedding");
            if (formatsAsObject)
            {
                // Keyed by type; under each key the item's value in that type (for multi-vectors: the list of token vectors).
                json.WriteStartObject();
                foreach (var format in formats)
                {
                    json.WritePropertyName(RequestMapping.FormatName(format));
                    WriteItem(json, result, i, format, multiVector);
                }

                json.WriteEndObject();
            }
            else
            {
                WriteItem(json, result, i, formats[0], multiVector);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", result.TokenCount);
        json.WriteNumber("total_tokens", result.TokenCount);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A rough size of the response, so the buffer seldom grows (about 12 bytes per float as JSON text).</summary>
    public static int EstimateSize(EmbeddingResult result)
    {
        long floats = result.Embeddings.Sum(e => (long)e.Length) + (result.MultiVectors?.Sum(m => (long)m.Values.Length) ?? 0);
        return (int)Math.Clamp((floats * 12) + 256, 256, 64L * 1024 * 1024);
    }

    /// <summary>Item <paramref name="index"/>: its vector, or the JSON array of its token vectors, each encoded separately.</summary>
    private static void WriteItem(Utf8JsonWriter json, EmbeddingResult result, int index, EmbeddingFormat format, bool multiVector)
    {
        if (!multiVector)
        {
            WriteEmbedding(json, result.Embeddings[index], format);
            return;
        }

        var tokens = result.MultiVectors![index];
        json.WriteStartArray();
        for (int t = 0; t < tokens.Count; t++)
        {
            WriteEmbedding(json, tokens[t], format);
        }

        json.WriteEndArray();
    }

    /// <summary>Writes one vector as a JSON value in <paramref name="format"/>.</summary>
    public static void WriteEmbedding(Utf8JsonWriter json, ReadOnlySpan<float> vector, EmbeddingFormat format)
    {
        switch (format)
        {
            case EmbeddingFormat.Float:
                json.WriteStartArray();
                foreach (float value in vector)
                {
                    json.WriteNumberValue(value);
                }

                json.WriteEndArray();
                break;
            case EmbeddingFormat.Base64:
                json.WriteBase64StringValue(ToLittleEndianBytes(vector));
                break;
            default:
                var packed = PackBits(vector);
                bool signed = format == EmbeddingFormat.Binary;
                json.WriteStartArray();
                foreach (byte b in packed)
                {
                    json.WriteNumberValue(signed ? b - 128 : b);
                }

                json.WriteEndArray();
                break;
        }
    }

    /// <summary>The float32 values as little-endian bytes, whatever the machine's byte order.</summary>
    public static byte[] ToLittleEndianBytes(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return bytes;
    }

    /// <summary>One bit per dimension, 1 where the value is &gt; 0, eight dimensions per byte, most significant bit first.</summary>
    public static byte[] PackBits(ReadOnlySpan<float> vector)
    {
        var packed = new byte[(vector.Length + 7) / 8];
        for (int i = 0; i < vector.Length; i++)
        {
            if (vector[i] > 0)
            {
                packed[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }

        return packed;
    }
}
