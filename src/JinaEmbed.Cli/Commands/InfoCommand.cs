// `jinaembed info`: a model's card facts, tasks with their prompts, weights and a memory estimate (issue #7),
// as text or --json.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Cli.Progress;
using JinaEmbed.Hub;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed info</c> (issue #7).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show a model's facts, tasks and prompts, weights and a memory estimate.");
        var model = new ModelOptions();
        model.AddTo(command);
        var json = new Option<bool>("--json") { Description = "Print the facts as one JSON object" };
        command.Options.Add(json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var directory = await model.ResolveAsync(parse, quiet: false, cancellationToken).ConfigureAwait(false);
                var facts = ModelFacts.Read(directory);
                output.Write(parse.GetValue(json) ? ToJson(parse.GetValue(model.Model)!, facts) : ToText(parse.GetValue(model.Model)!, facts));
                return ExitCodes.Success;
            }
            catch (HubException e)
            {
                return ExitCodes.Report(e, parse.InvocationConfiguration.Error);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or IOException or JinaEmbed.Checkpoints.CheckpointException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    internal static string ToText(string model, ModelFacts facts)
    {
        if (facts.IsJinaV4)
        {
            return ToTextJinaV4(model, facts);
        }

        var text = new System.Text.StringBuilder();
        void Line(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                text.Append(CultureInfo.InvariantCulture, $"{name,-13}{value}\n");
            }
        }

        Line("model", model);
        Line("directory", facts.Directory);
        Line("commit", facts.Commit);
        Line("architecture", facts.Architecture + (facts.Tasks.Count > 0 ? $" + {facts.Tasks.Count} task LoRA adapters (rank {facts.LoraRank})" : ""));
        Line("size", $"{facts.LayerCount} layers, hidden {facts.HiddenSize}, {facts.HeadCount} heads, MLP {facts.IntermediateSize}, vocabulary {facts.VocabularySize}");
        Line("max tokens", facts.MaxTokens > 0 ? MaxTokensLine(facts) : null);
        Line("dimensions", facts.HiddenSize + (facts.MatryoshkaDimensions.Count > 0 ? $"; Matryoshka: {string.Join(", ", facts.MatryoshkaDimensions)}" : ""));
        Line("pooling", facts.Pooling == null ? null : $"{facts.Pooling}, L2-normalized" + (facts.Similarity != null ? $"; similarity {facts.Similarity}" : ""));
        Line("license", facts.License);
        if (facts.Tasks.Count > 0)
        {
            text.Append("tasks\n");
            foreach (var (task, adapter, prompt) in facts.Tasks)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {task,-19} adapter {adapter}  prompt {JsonSerializer.Serialize(prompt)}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"  {"none",-19} base model, no adapter, no prompt\n");
        }

        foreach (var weights in facts.WeightFiles)
        {
            Line("weights", $"{weights.Name} {Units.Bytes(weights.Bytes)}, {weights.DataTypes}, {weights.TensorCount} tensors, " +
                            $"{weights.ParameterCount:N0} parameters ({weights.LoraParameterCount:N0} LoRA)");
        }

        if (facts.WeightFiles.Count > 0)
        {
            Line("memory", $"≈ {Units.Bytes(facts.Fp32WeightBytes)} for fp32 weights + ≈ {Units.Bytes(facts.ActivationBytesPer1000Tokens)} " +
                           "of activations per 1,000 batch tokens (attention scores extra)");
            Line("int8", Int8Line(facts));
        }

        return text.ToString();
    }

    // What --precision int8 does to the linear layers' weights (null: the files have none).
    private static string? Int8Line(ModelFacts facts) => facts.LinearWeightBytes == 0 ? null
        : $"--precision int8 holds the linear layers' weights in ≈ {Units.Bytes(facts.Int8LinearWeightBytes)} instead of " +
          $"{Units.Bytes(facts.LinearWeightBytes)} as stored ({(double)facts.Int8LinearWeightBytes / facts.LinearWeightBytes:0.00}×)";

    // The limit as embed and serve enforce it, with the special tokens that count toward it.
    private static string MaxTokensLine(ModelFacts facts) => facts.SpecialTokens.Count == 0
        ? $"{facts.MaxTokens} per input"
        : $"{facts.MaxTokens} per input, {string.Join(" and ", facts.SpecialTokens)} included ({facts.MaxTokens - facts.SpecialTokens.Count} of text)";

    // jina-embeddings-v4: five tasks over three adapters with a Query/Passage prefix, multi-vectors, BF16-resident weights.
    private static string ToTextJinaV4(string model, ModelFacts facts)
    {
        var text = new System.Text.StringBuilder();
        void Line(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                text.Append(CultureInfo.InvariantCulture, $"{name,-13}{value}\n");
            }
        }

        Line("model", model);
        Line("directory", facts.Directory);
        Line("commit", facts.Commit);
        Line("architecture", $"{facts.Architecture} (jina-embeddings-v4, text) + {facts.AdapterNames.Count} task LoRA adapters (rank {facts.LoraRank})");
        Line("size", $"{facts.LayerCount} layers, hidden {facts.HiddenSize}, {facts.HeadCount} heads ({facts.KeyValueHeadCount} key/value), MLP {facts.IntermediateSize}, vocabulary {facts.VocabularySize}");
        Line("max tokens", $"{facts.MaxTokens} per text (task prefix included; no special tokens)");
        Line("dimensions", facts.HiddenSize + (facts.MatryoshkaDimensions.Count > 0 ? $"; Matryoshka: {string.Join(", ", facts.MatryoshkaDimensions)}" : ""));
        Line("multi-vector", $"{facts.MultiVectorDimensions} per token (--multivector; score with MaxSim)");
        Line("pooling", "mean over every token, L2-normalized; similarity cosine");
        Line("license", facts.License);
        text.Append(CultureInfo.InvariantCulture, $"tasks        (default {facts.DefaultTask})\n");
        foreach (var (task, adapter, prompt) in facts.Tasks)
        {
            var adapterName = adapter < facts.AdapterNames.Count ? facts.AdapterNames[adapter] : "?";
            text.Append(CultureInfo.InvariantCulture, $"  {task,-19} adapter {adapter} ({adapterName}){new string(' ', Math.Max(1, 16 - adapterName.Length))}prefix {JsonSerializer.Serialize(prompt)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"  {"none",-19} not available: jina-embeddings-v4 has no base-model mode\n");
        foreach (var weights in facts.WeightFiles)
        {
            Line("weights", $"{weights.Name} {Units.Bytes(weights.Bytes)}, {weights.DataTypes}, {weights.TensorCount} tensors, " +
                            $"{weights.ParameterCount:N0} parameters" + (weights.LoraParameterCount > 0 ? $" ({weights.LoraParameterCount:N0} LoRA)" : ""));
        }

        if (facts.WeightFiles.Count > 0)
        {
            Line("memory", $"≈ {Units.Bytes(facts.ResidentTextWeightBytes)} of text weights and LoRA, kept as stored ({facts.StorageType ?? "bf16"}; " +
                           $"the {Units.Bytes(facts.VisionWeightBytes)} vision tower is not used for text) + ≈ {Units.Bytes(facts.ActivationBytesPer1000Tokens)} " +
                           "of activations per 1,000 batch tokens");
            Line("int8", Int8Line(facts));
        }

        return text.ToString();
    }

    internal static string ToJson(string model, ModelFacts facts)
    {
        var tasks = new JsonObject();
        foreach (var (task, adapter, prompt) in facts.Tasks)
        {
            tasks[task] = new JsonObject { ["adapter"] = adapter, ["prompt"] = prompt };
            if (adapter >= 0 && adapter < facts.AdapterNames.Count)
            {
                tasks[task]!["adapter_name"] = facts.AdapterNames[adapter];
            }
        }

        var root = new JsonObject
        {
            ["model"] = model,
            ["directory"] = facts.Directory,
            ["commit"] = facts.Commit,
            ["architecture"] = facts.Architecture,
            ["hidden_size"] = facts.HiddenSize,
            ["num_hidden_layers"] = facts.LayerCount,
            ["num_attention_heads"] = facts.HeadCount,
            ["intermediate_size"] = facts.IntermediateSize,
            ["vocab_size"] = facts.VocabularySize,
            ["max_tokens"] = facts.MaxTokens,
            ["special_tokens"] = new JsonArray([.. facts.SpecialTokens.Select(t => (JsonNode?)JsonValue.Create(t))]),
            ["matryoshka_dimensions"] = new JsonArray([.. facts.MatryoshkaDimensions.Select(d => (JsonNode)d)]),
            ["pooling"] = facts.Pooling,
            ["license"] = facts.License,
            ["tasks"] = tasks,
            ["parameters"] = facts.ParameterCount,
            ["lora_parameters"] = facts.LoraParameterCount,
            ["weight_bytes"] = facts.LoadedWeights.Sum(w => w.Bytes),
            ["memory_estimate"] = new JsonObject
            {
                ["fp32_weight_bytes"] = facts.Fp32WeightBytes,
                ["activation_bytes_per_1000_tokens"] = facts.ActivationBytesPer1000Tokens,
                ["linear_weight_bytes"] = facts.LinearWeightBytes,
                ["int8_linear_weight_bytes"] = facts.Int8LinearWeightBytes,
            },
        };
        if (facts.IsJinaV4)
        {
            root["num_key_value_heads"] = facts.KeyValueHeadCount;
            root["multivector_dimensions"] = facts.MultiVectorDimensions;
            root["default_task"] = facts.DefaultTask;
            root["base_model_task"] = false; // the task "none" is refused
            root["memory_estimate"]!["resident_text_weight_bytes"] = facts.ResidentTextWeightBytes;
            root["memory_estimate"]!["vision_weight_bytes"] = facts.VisionWeightBytes;
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
