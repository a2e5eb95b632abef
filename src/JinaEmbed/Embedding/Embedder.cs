// The library's entry point: owns the tokenizer and model of one model folder and turns texts into vectors
// (spec §1.1 pipeline: prompt, tokenize, forward with the task's adapter, mean pool, Matryoshka, L2).
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;
using JinaEmbed.Images;
using JinaEmbed.Models;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Embedding;

/// <summary>Embeds texts with one loaded model. Thread-safe.</summary>
public sealed partial class Embedder : IDisposable
{
    private readonly Tokenizer? _tokenizer;
    private readonly IEncoderModel _model;
    private readonly LoadedModel _loaded;
    private readonly int _tokenIdLimit;
    private int[]? _imagePromptIds;

    private Embedder(Tokenizer? tokenizer, LoadedModel loaded, EmbedderOptions options)
    {
        _tokenizer = tokenizer;
        _loaded = loaded;
        _model = loaded.Model;
        Options = options;
        _tokenIdLimit = loaded.TokenIdsWithinTokenizer && tokenizer is not null ? Math.Min(loaded.VocabularySize, tokenizer.VocabularySize) : loaded.VocabularySize;
        Info = new ModelInfo
        {
            Name = loaded.Name,
            HiddenSize = _model.HiddenSize,
            MaxTokens = _model.MaxSequenceLength,
            Tasks = loaded.Tasks.Select(t => t.Name!).ToList(),
            TaskPrompts = loaded.Tasks.ToDictionary(t => t.Name!, t => t.Prompt),
            TaskAdapters = loaded.Tasks.ToDictionary(t => t.Name!, t => t.Adapter),
            DefaultTask = loaded.DefaultTask.Name,
            AllowsBaseModel = loaded.AllowsBaseModel,
            MultiVectorDimensions = (_model as IMultiVectorModel)?.MultiVectorSize,
            Modalities = loaded.Images is null ? ["text"] : ["text", "image"],
            ImagePreprocessing = loaded.Images?.Preprocessor.Config,
            MatryoshkaDimensions = loaded.MatryoshkaDimensions,
            WeightDataType = loaded.WeightDataType,
            Precision = loaded.Precision,
            AdapterCount = _model.AdapterCount,
            VocabularySize = _tokenIdLimit,
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
        var loaded = ModelLoader.Load(modelDirectory, new ComputeContext(options.Threads), options.Precision);
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
        options = (options ?? new EmbedOptions()) with { Output = EmbeddingOutput.SingleVector };
        return Embed(new EmbeddingRequest(texts.Select(EmbeddingInput.FromText).ToList(), options)).Embeddings;
    }

    /// <summary>
    /// Embeds texts as multi-vectors: one unit vector per token (prompt included), from the model's multi-vector head
    /// (jina-embeddings-v4). With <see cref="EmbedOptions.LateChunking"/> each chunk gets its own span's vectors.
    /// </summary>
    /// <exception cref="EmbeddingException">The model has no multi-vector head, an unknown task, or an input over the maximum length.</exception>
    public MultiVector[] EmbedMultiVectors(IReadOnlyList<string> texts, EmbedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options = (options ?? new EmbedOptions()) with { Output = EmbeddingOutput.MultiVector };
        return Embed(new EmbeddingRequest(texts.Select(EmbeddingInput.FromText).ToList(), options)).MultiVectors!;
    }

    /// <summary>Embeds pre-tokenized inputs (no prompt, no special tokens added), with the task's adapter.</summary>
    /// <exception cref="EmbeddingException">Unknown task, dimensions out of range, a bad token id, or an input over the maximum length.</exception>
    public float[][] EmbedTokenIds(IReadOnlyList<int[]> tokenIds, EmbedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        options = (options ?? new EmbedOptions()) with { Output = EmbeddingOutput.SingleVector, LateChunking = false };
        return Embed(new EmbeddingRequest(tokenIds.Select(EmbeddingInput.FromTokenIds).ToList(), options)).Embeddings;
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
        CheckOptions(options);
        float[][] vectors;
        MultiVector[]? multi;
        int tokens;
        if (options.LateChunking)
        {
            var chunks = request.Items.Select((item, i) => item.Text ?? throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, item.IsImage ? $"input[{i}] is an image; late chunking takes text items only." : $"input[{i}]: late chunking needs text, not token ids.", "input")).ToList();
            var plan = PlanLateChunks(chunks, options);
            tokens = plan.TokenCount;
            (vectors, multi) = RunPlan(plan);
        }
        else
        {
            var task = ResolveTask(options.Task);
            var sequences = request.Items.Select((item, i) => Prepare(item, i, task, options.Truncate)).ToList();
            tokens = sequences.Sum(s => s.Ids.Length);
            (vectors, multi) = Run(sequences, options);
        }

        return new EmbeddingResult(vectors, multi, tokens, TimeSpan.Zero, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Stops the scheduler (if started), then unmaps the checkpoint.</summary>
    public void Dispose()
    {
        StopScheduler();
        _model.Dispose();
    }

    /// <summary>Task name → adapter and prompt; throws InvalidTask for unknown names.</summary>
    internal EmbeddingTask ResolveTask(string? task) => EmbeddingTask.Resolve(_loaded.Tasks, task, _loaded.DefaultTask, _loaded.AllowsBaseModel);

    /// <summary>
    /// Checks what the options ask of the model before any work: the Matryoshka size, and multi-vectors only from a model
    /// with a multi-vector head.
    /// </summary>
    /// <exception cref="EmbeddingException">Dimensions out of range, no output kind, or multi-vectors from a model without them.</exception>
    internal void CheckOptions(EmbedOptions options)
    {
        Matryoshka.Resolve(options.Dimensions, _model.HiddenSize);
        if ((options.Output & EmbeddingOutput.Both) == 0)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "Output must ask for single vectors, multi-vectors or both.", "output");
        }

        if (options.Output.HasFlag(EmbeddingOutput.MultiVector) && _model is not IMultiVectorModel)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"Model '{_loaded.Name}' ({_loaded.Architecture}) has no multi-vector head; multi-vector output needs jina-embeddings-v4.", "return_multivector");
        }
    }

    /// <summary>
    /// Prompt + tokenize (text) or validate (ids), then the length check: over the maximum fails with
    /// ContextLengthExceeded unless <paramref name="truncate"/>, which cuts content and keeps the final token.
    /// </summary>
    internal PreparedSequence Prepare(EmbeddingInput item, int index, EmbeddingTask task, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.IsImage)
        {
            return PrepareImage(item, index, task);
        }

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
                if ((uint)id >= (uint)_tokenIdLimit)
                {
                    throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{index}] has token id {id}; ids must lie in [0, {_tokenIdLimit}).", "input");
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
                throw new EmbeddingException(EmbeddingErrorKind.ContextLengthExceeded, $"input[{index}] has {ids.Length} tokens; the maximum is {max}", "input", "set EmbedOptions.Truncate to cut it");
            }

            // Keep the first max − 1 tokens and the closing one (</s> for text), or cut from the end when the
            // tokenizer adds no closing token (jina-embeddings-v4: the prefix survives).
            var cut = ids[..max];
            if (_loaded.TruncationKeepsLastToken)
            {
                cut[^1] = ids[^1];
            }

            ids = cut;
        }

        return new PreparedSequence(ids, task.Adapter);
    }

    /// <summary>
    /// An image item (spec §1.3): decode (size checked from the header first), preprocess to patches, and the fixed prompt
    /// with one placeholder per merged token; no task prefix, the task only picks the adapter. Single vector over the
    /// vision span, chosen here by modality (spec §8.1).
    /// </summary>
    internal PreparedSequence PrepareImage(EmbeddingInput item, int index, EmbeddingTask task)
    {
        var images = _loaded.Images ?? throw new EmbeddingException(EmbeddingErrorKind.UnsupportedModality, $"input[{index}] is an image; the model '{_loaded.Name}' ({_loaded.Architecture}) embeds text only.", "input");
        ImagePatches patches;
        try
        {
            var pixels = item.Pixels ?? ImageDecoder.Decode(item.ImageBytes, Options.MaxImagePixels);
            patches = images.Preprocessor.PreprocessDeferred(pixels);
        }
        catch (ImageException e)
        {
            var kind = e.Kind == ImageErrorKind.TooLarge ? EmbeddingErrorKind.ImageTooLarge : EmbeddingErrorKind.InvalidImage;
            throw new EmbeddingException(kind, $"input[{index}]: {e.Message}", "input");
        }

        var (ids, start, end) = images.Expand(ImagePromptIds(images), patches.ImageTokens);
        return new PreparedSequence(ids, task.Adapter) { Image = patches, PoolStart = start, PoolEnd = end };
    }

    // The image prompt tokenized once (no special tokens are added by the v4 tokenizer; the markers are added tokens).
    private int[] ImagePromptIds(ImageInput images)
    {
        if (_imagePromptIds is { } cached)
        {
            return cached;
        }

        if (_tokenizer is null)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "This model folder has no tokenizer.json, which image items need for their prompt.", "input");
        }

        return _imagePromptIds = _tokenizer.Encode(images.Prompt, false, int.MaxValue).Ids;
    }

    /// <summary>The model's pooling (mean, CLS or max) over token rows [start, end), then Matryoshka truncation and optional L2.</summary>
    internal float[] Pool(ReadOnlySpan<float> tokenStates, int start, int end, EmbedOptions options)
    {
        int hidden = _model.HiddenSize;
        var pooled = Pooling.Apply(_loaded.Pooling, tokenStates, hidden, start, end);
        return Matryoshka.Apply(pooled, Matryoshka.Resolve(options.Dimensions, hidden), options.Normalize ?? _loaded.Normalize);
    }

    /// <summary>The outputs the options ask for from one sequence's token rows [start, end) run with <paramref name="adapter"/>.</summary>
    internal (float[]? Single, MultiVector? Multi) Output(ReadOnlySpan<float> tokenStates, int start, int end, int adapter, EmbedOptions options)
    {
        var single = options.Output.HasFlag(EmbeddingOutput.SingleVector) ? Pool(tokenStates, start, end, options) : null;
        var multi = options.Output.HasFlag(EmbeddingOutput.MultiVector)
            ? MultiVectorsFor(adapter, options).Project(tokenStates[(start * _model.HiddenSize)..], end - start)
            : null;
        return (single, multi);
    }

    /// <summary>The multi-vector head for sequences of <paramref name="adapter"/>, normalising per token unless the options say not to.</summary>
    internal MultiVectorProjection MultiVectorsFor(int adapter, EmbedOptions options) =>
        new((IMultiVectorModel)_model, adapter, options.Normalize ?? _loaded.Normalize);

    /// <summary>Runs sequences in batches of at most <see cref="EmbedderOptions.MaxBatchTokens"/> tokens; the asked-for outputs of each.</summary>
    internal (float[][] Vectors, MultiVector[]? MultiVectors) Run(IReadOnlyList<PreparedSequence> sequences, EmbedOptions options)
    {
        bool single = options.Output.HasFlag(EmbeddingOutput.SingleVector);
        var vectors = new float[single ? sequences.Count : 0][];
        var multi = options.Output.HasFlag(EmbeddingOutput.MultiVector) ? new MultiVector[sequences.Count] : null;
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
            if (group.Any(s => s.Image is not null))
            {
                batch = new EncoderBatch(batch.TokenIds, batch.SequenceStarts, batch.Adapters) { Images = group.Select(s => s.Image).ToList() };
            }

            var states = _model.Forward(batch);
            for (int s = 0; s < group.Count; s++)
            {
                var (vector, multiVector) = group[s].Outputs(Output, states, batch.SequenceStarts[s], options);
                if (single)
                {
                    vectors[first + s] = vector!;
                }

                if (multi is not null)
                {
                    multi[first + s] = multiVector!;
                }
            }

            first = last + 1;
        }

        return (vectors, multi);
    }
}
