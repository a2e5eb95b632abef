// Callback type through which the scheduled path turns one sequence's token states into the outputs a request asked for.
namespace JinaEmbed.Embedding.Scheduling;

/// <summary>The single vector and/or multi-vector of token rows [start, end) of <paramref name="states"/> run with <paramref name="adapter"/>.</summary>
internal delegate (float[]? Single, MultiVector? Multi) SequenceOutput(ReadOnlySpan<float> states, int start, int end, int adapter, EmbedOptions options);
