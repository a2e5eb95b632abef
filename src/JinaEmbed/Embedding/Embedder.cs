// The library's entry point: owns the tokenizer and model of one model folder and turns texts into vectors
// (spec §1.1 pipeline: prompt, tokenize, forward with the task's adapter, mean pool, Matryoshka, L2).
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;
using JinaEmbed.Models;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Embedding;

/// <summary>Embeds texts with one loaded model. Thread-safe.</summary>
public sealed partial class Embedder : IDisposable
{
    private readonly Tokenizer? _tokenizer;
    private readonly IEncoderModel _model;
    private readonly LoadedModel _loaded;

    private Embedder(Tokenizer? tokenizer, LoadedModel loaded, EmbedderOptions options)
    {
        _tokenizer = tokenizer;
        _loaded = loaded;
        _model = loaded.Model;
        Options = options;
        Info = new ModelInfo
        {
            Name = loaded.Name,
            HiddenSize = _model.HiddenSize,
            MaxTokens = _model.MaxSequenceLength,
            Tasks = loaded.Tasks.Select(t => t.Name!).ToList(),
            TaskPrompts = loaded.Tasks.ToDictionary(t => t.Name!, t => t.Prompt),
            MatryoshkaDimensions = loaded.MatryoshkaDimensions,
            WeightDataType = loaded.WeightDataType,
            AdapterCount = _model.AdapterCount,
            VocabularySize = loaded.VocabularySize,
            Architecture = loaded.Architecture,
            Pooling = loaded.Pooling,
            Normalize = loaded.Normalize,
        };
    }

    /// <summary>
    /// Loads a model folder (config.json, model.safetensors, tokenizer.json); config.json selects the architecture
    /// (jina-v3 or bert) and a BERT folder's sentence-transformers files set pooling, prompts and the length limit.
    /// </summary>
    /// <remarks>A folder without tokenizer.json loads for token-id input only (<see cref="EmbedTokenIds"/>).</remarks>
    /// <exception cref="CheckpointException">config.json or model.safetensors is missing or malformed.</exception>
    /// <exception cref="TokenizerLoadException">tokenizer.json is malformed.</exception>
    public static Embedder Load(string modelDirectory, EmbedderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        options ??= new EmbedderOptions();
        string tokenizerPath = Path.Combine(modelDirectory, "tokenizer.json");
        var tokenizer = File.Exists(tokenizerPath) ? Tokenizer.FromFile(tokenizerPath) : null;
        var loaded = ModelLoader.Load(modelDirectory, new ComputeContext(options.Threads));
        return new Embedder(tokenizer, loaded, options);
    }

    /// <summary>The tokenizer.</summary>
    /// <exception cref="InvalidOperationException">The model folder has no tokenizer.json.</exception>
    public Tokenizer Tokenizer => _tokenizer ?? throw new InvalidOperationException("This model folder has no tokenizer.json; only token-id input is available.");

    /// <summary>The encoder.</summary>
    public IEncoderModel Model => _model;

    /// <summary>Facts about the loaded model.</summary>
    public ModelInfo Info { get; }

    /// <summary>Settings given at load.</summary>
    public EmbedderOptions Options { get; }

    /// <summary>Compute threads of the forward pass.</summary>
    public int Threads => _loaded.Context.Threads;

    /// <summary>Embeds texts; one vector per text, in order. With <see cref="EmbedOptions.LateChunking"/> the texts are chunks of one document.</summary>
    /// <exception cref="EmbeddingException">Unknown task, dimensions out of range, or an input over the maximum length.</exception>
    public float[][] Embed(IReadOnlyList<string> texts, EmbedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new EmbedOptions();
        if (options.LateChunking)
        {
            return EmbedLateChunks(texts, options, null);
        }

        var task = ResolveTask(options.Task);
        Matryoshka.Resolve(options.Dimensions, _model.HiddenSize);
        var sequences = new PreparedSequence[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            sequences[i] = Prepare(EmbeddingInput.FromText(texts[i]), i, task, options.Truncate);
        }

        return Run(sequences, options);
    }

    /// <summary>Embeds pre-tokenized inputs (no prompt, no special tokens added), with the task's adapter.</summary>
    /// <exception cref="EmbeddingException">Unknown task, dimensions out of range, a bad token id, or an input over the maximum length.</exception>
    public float[][] EmbedTokenIds(IReadOnlyList<int[]> tokenIds, EmbedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        options ??= new EmbedOptions();
        var task = ResolveTask(options.Task);
        Matryoshka.Resolve(options.Dimensions, _model.HiddenSize);
        var sequences = new PreparedSequence[tokenIds.Count];
        for (int i = 0; i < tokenIds.Count; i++)
        {
            sequences[i] = Prepare(EmbeddingInput.FromTokenIds(tokenIds[i]), i, task, options.Truncate);
        }

        return Run(sequences, options);
    }

    /// <summary>
    /// Embeds a request synchronously: text and token-id items may be mixed; with late chunking every item must be text.
    /// The result carries the vectors in order and the number of tokens run (prompt and special tokens included).
    /// </summary>
    /// <exception cref="EmbeddingException">Invalid input or options.</exception>
    public EmbeddingResult Embed(EmbeddingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        float[][] vectors;
        int tokens;
        if (options.LateChunking)
        {
            var chunks = request.Items.Select((item, i) => item.Text ?? throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{i}]: late chunking needs text, not token ids.", "input")).ToList();
            var plan = PlanLateChunks(chunks, options);
            tokens = plan.TokenCount;
            vectors = RunPlan(plan);
        }
        else
        {
            var task = ResolveTask(options.Task);
            Matryoshka.Resolve(options.Dimensions, _model.HiddenSize);
            var sequences = request.Items.Select((item, i) => Prepare(item, i, task, options.Truncate)).ToList();
            tokens = sequences.Sum(s => s.Ids.Length);
            vectors = Run(sequences, options);
        }

        return new EmbeddingResult(vectors, tokens, TimeSpan.Zero, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Stops the scheduler (if started), then unmaps the checkpoint.</summary>
    public void Dispose()
    {
        StopScheduler();
        _model.Dispose();
    }

    /// <summary>Task name → adapter and prompt; throws InvalidTask for unknown names.</summary>
    internal EmbeddingTask ResolveTask(string? task) => EmbeddingTask.Resolve(_loaded.Tasks, task, _loaded.DefaultTask);

    /// <summary>
    /// Prompt + tokenize (text) or validate (ids), then the length check: over the maximum fails with
    /// ContextLengthExceeded unless <paramref name="truncate"/>, which cuts content and keeps the final token.
    /// </summary>
    internal PreparedSequence Prepare(EmbeddingInput item, int index, EmbeddingTask task, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(item);
        int max = _model.MaxSequenceLength;
        int[] ids;
        if (item.TokenIds is { } given)
        {
            if (given.Length == 0)
            {
                throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{index}] is an empty token list.", "input");
            }

            foreach (int id in given)
            {
                if ((uint)id >= (uint)_loaded.VocabularySize)
                {
                    throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{index}] has token id {id}; ids must lie in [0, {_loaded.VocabularySize}).", "input");
                }
            }

            ids = given;
        }
        else
        {
            if (_tokenizer is null)
            {
                throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "This model folder has no tokenizer.json; send token ids instead of text.", "input");
            }

            ids = _tokenizer.Encode(task.Prompt + item.Text, true, int.MaxValue).Ids;
        }

        if (ids.Length > max)
        {
            if (!truncate)
            {
                throw new EmbeddingException(EmbeddingErrorKind.ContextLengthExceeded, $"input[{index}] has {ids.Length} tokens; the maximum is {max} (set truncate to cut it).", "input");
            }

            // Keep the first max − 1 tokens and the closing one (</s> for text).
            var cut = ids[..max];
            cut[^1] = ids[^1];
            ids = cut;
        }

        return new PreparedSequence(ids, task.Adapter);
    }

    /// <summary>The model's pooling (mean, CLS or max) over token rows [start, end), then Matryoshka truncation and optional L2.</summary>
    internal float[] Pool(ReadOnlySpan<float> tokenStates, int start, int end, EmbedOptions options)
    {
        int hidden = _model.HiddenSize;
        var pooled = Pooling.Apply(_loaded.Pooling, tokenStates, hidden, start, end);
        return Matryoshka.Apply(pooled, Matryoshka.Resolve(options.Dimensions, hidden), options.Normalize ?? _loaded.Normalize);
    }

    /// <summary>Runs sequences in batches of at most <see cref="EmbedderOptions.MaxBatchTokens"/> tokens; one vector each.</summary>
    internal float[][] Run(IReadOnlyList<PreparedSequence> sequences, EmbedOptions options)
    {
        var vectors = new float[sequences.Count][];
        int budget = Math.Max(1, Options.MaxBatchTokens);
        int first = 0;
        while (first < sequences.Count)
        {
            int last = first, tokens = sequences[first].Ids.Length;
            while (last + 1 < sequences.Count && tokens + sequences[last + 1].Ids.Length <= budget)
            {
                last++;
                tokens += sequences[last].Ids.Length;
            }

            var group = sequences.Skip(first).Take(last - first + 1).ToList();
            var batch = EncoderBatch.FromSequences(group.Select(s => s.Ids).ToList(), group.Select(s => s.Adapter).ToList());
            var states = _model.Forward(batch);
            for (int s = 0; s < group.Count; s++)
            {
                vectors[first + s] = Pool(states, batch.SequenceStarts[s], batch.SequenceStarts[s + 1], options);
            }

            first = last + 1;
        }

        return vectors;
    }
}
