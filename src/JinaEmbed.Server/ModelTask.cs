// One task of the served model: name, adapter index and prompt (model spec §4.4, §5).
namespace JinaEmbed.Server;

/// <summary>A task the model serves.</summary>
/// <param name="Name">API name, e.g. <c>retrieval.query</c>.</param>
/// <param name="Adapter">LoRA adapter index.</param>
/// <param name="Prompt">Text prepended to every input of this task.</param>
internal sealed record ModelTask(string Name, int Adapter, string Prompt);
