// Callback type through which the compute loop hands a sequence its token states.
namespace JinaEmbed.Embedding.Scheduling;

/// <summary>Receives one sequence's final hidden states, [tokens, hiddenSize] row-major; the span is only valid during the call.</summary>
public delegate void SequenceStatesHandler(ReadOnlySpan<float> states, int hiddenSize);
