// The C# port of the synthetic checkpoint generator against values recorded from shared/tools/synth-jina-v3.py
// (run with numpy): BF16 bits and SHA-256 of 4096-element runs, and the header of the full-size file.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using JinaEmbed.Checkpoints;
using JinaEmbed.Testing;

namespace JinaEmbed.Tests.Models;

public sealed class SyntheticCheckpointTests
{
    [Theory]
    [InlineData("roberta.embeddings.word_embeddings.parametrizations.weight.original", 0L, "", "3cdc 3bc4 3ce2 3c84", "0094eb922bd555b84672493d75e1c22e0fec1a2b99f9cb3addc871f66233be1b")]
    [InlineData("roberta.embeddings.word_embeddings.parametrizations.weight.original", 123456789L, "", "3cb3 bcc0 3cfb bb51", "c4c9139e4ac99ce0340fbe5a230e8718f963187674322c1ff0dd6689bb75b9c3")]
    [InlineData("roberta.encoder.layers.5.mixer.Wqkv.parametrizations.weight.0.lora_A", 0L, "", "3bb4 3d8f bd83 3d68", "96e6fe1d45bdacbc7eb91dbdf82f74b445043eed06577f2e261d2a5726797248")]
    [InlineData("roberta.encoder.layers.23.norm1.weight", 100L, "", "3f8b 3f6c 3f88 3f69", "f632be7a17bc599ce598a51483d23ced1245a09b89ad572df8b4e5b881070142")]
    [InlineData("roberta.emb_ln.bias", 0L, "", "3c35 3c2b 3c8c bc31", "bbc06e2d857c9875c7f5bb41c27f7bf9bc5be335bc26fa397d2f393b246b5b1c")]
    [InlineData("roberta.encoder.layers.0.mlp.fc2.parametrizations.weight.original", 4000000L, "run-2", "3c6d 3c0c 3b86 bcdf", "d2d496d2b31acf7d1bbd8947e7c7e749fd3c00dfb27ade026044324dd3cfbbcf")]
    public void Values_MatchPythonGenerator(string name, long start, string salt, string firstBits, string sha256)
    {
        var values = new float[4096];
        SyntheticJinaCheckpoint.Values(name, start, values, salt);
        var bits = values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray();
        Assert.Equal(firstBits, string.Join(" ", bits.Take(4).Select(b => b.ToString("x4"))));
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(bits.AsSpan()))));
    }

    [Fact]
    public void FullSizeHeader_MatchesPythonGenerator()
    {
        var config = JsonNode.Parse(File.ReadAllText(Fixtures.Path("jina-v3-full", "config.json")))!.AsObject();
        var header = SyntheticJinaCheckpoint.Header(config);
        Assert.Equal(64616, header.Length);
        Assert.Equal("d9d6e2747f736c22515cfce0ec0009d4ff4585bf93aa50b7fd9e2cf974e3be16", Convert.ToHexStringLower(SHA256.HashData(header)));
        Assert.Equal(492, SyntheticJinaCheckpoint.TensorList(config).Count);
    }

    [Fact]
    public void TinyConfig_WritesALoadableCheckpointInBothDtypes()
    {
        string dir = Path.Combine(Path.GetTempPath(), "jinaembed-synth-" + Guid.NewGuid().ToString("N"));
        try
        {
            SyntheticJinaCheckpoint.Write(Path.Combine(dir, "bf16"), Fixtures.Path("tiny-jina-v3", "config.json"));
            SyntheticJinaCheckpoint.Write(Path.Combine(dir, "f32"), Fixtures.Path("tiny-jina-v3", "config.json"), "F32");
            using var bf16 = SafetensorsFile.Open(Path.Combine(dir, "bf16", "model.safetensors"));
            using var f32 = SafetensorsFile.Open(Path.Combine(dir, "f32", "model.safetensors"));
            Assert.Equal(72, bf16.Tensors.Count);
            Assert.Equal("synth-jina-v3", bf16.Metadata["generator"]);
            foreach (var tensor in bf16.Tensors.Values)
            {
                Assert.Equal(TensorDataType.BFloat16, tensor.DataType);
                var expected = new float[tensor.ElementCount];
                SyntheticJinaCheckpoint.Values(tensor.Name, 0, expected);
                Assert.Equal(expected, bf16.ReadFloat32(tensor));
                Assert.Equal(expected, f32.ReadFloat32(f32.Get(tensor.Name)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
