// Writes the /v1/embeddings response: float, base64, binary, ubinary (api.md "POST /v1/embeddings", Response).
using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Server;

/// <summary>Encodes embeddings in the wire formats of both dialects.</summary>
internal static class ResponseEncoding
{
    /// <summary>Writes the whole response object.</summary>
    public static void WriteResponse(IBufferWriter<byte> output, string modelName, EmbeddingResult result, IReadOnlyList<EmbeddingFormat> formats, bool formatsAsObject)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteString("model", modelName);
        json.WriteStartArray("data");
        for (int i = 0; i < result.Embeddings.Length; i++)
        {
            json.WriteStartObject();
            json.WriteString("object", "embedding");
            json.WriteNumber("index", i);
            json.WritePropertyName("embedding");
            if (formatsAsObject)
            {
                json.WriteStartObject();
                foreach (var format in formats)
                {
                    json.WritePropertyName(RequestMapping.FormatName(format));
                    WriteEmbedding(json, result.Embeddings[i], format);
                }

                json.WriteEndObject();
            }
            else
            {
                WriteEmbedding(json, result.Embeddings[i], formats[0]);
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

    /// <summary>Writes one vector as a JSON value in <paramref name="format"/>.</summary>
    public static void WriteEmbedding(Utf8JsonWriter json, float[] vector, EmbeddingFormat format)
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
    public static byte[] ToLittleEndianBytes(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return bytes;
    }

    /// <summary>One bit per dimension, 1 where the value is &gt; 0, eight dimensions per byte, most significant bit first.</summary>
    public static byte[] PackBits(float[] vector)
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
