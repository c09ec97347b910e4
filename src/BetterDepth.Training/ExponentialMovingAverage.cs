using BetterDepth.Compute;
using BetterDepth.Diffusion;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>Shadow weights w_ema = d * w_ema + (1 - d) * w after each optimiser step; the exported model uses them.</summary>
public sealed class ExponentialMovingAverage : IDisposable
{
    readonly double decay;
    public double Decay => decay;
    readonly List<Tensor> shadow;

    public ExponentialMovingAverage(IReadOnlyList<Parameter> parameters, double decay)
    {
        this.decay = decay;
        using (no_grad()) shadow = parameters.Select(p => p.detach().clone()).ToList();
    }

    public void Update(IReadOnlyList<Parameter> parameters)
    {
        using var _ = no_grad();
        for (int i = 0; i < shadow.Count; i++) shadow[i].TimesInPlace(decay).PlusScaledInPlace(parameters[i], 1 - decay);
    }

    /// <summary>Puts the averaged weights into the model until the returned object is disposed.</summary>
    public IDisposable Swap(IReadOnlyList<Parameter> parameters)
    {
        Exchange(parameters);
        return new Restore(() => Exchange(parameters));
    }

    void Exchange(IReadOnlyList<Parameter> parameters)
    {
        using var _ = no_grad();
        for (int i = 0; i < shadow.Count; i++)
        {
            using var keep = parameters[i].detach().clone();
            parameters[i].copy_(shadow[i]);
            shadow[i].copy_(keep);
        }
    }

    /// <summary>Makes <paramref name="averaged"/> (tensors in the model's parameter order) the average, e.g. a saved averaged model's.</summary>
    public void Set(IReadOnlyList<Tensor> averaged)
    {
        if (averaged.Count != shadow.Count) throw new ArgumentException($"{averaged.Count} averaged tensors for {shadow.Count} parameters", nameof(averaged));
        using var _ = no_grad();
        for (int i = 0; i < shadow.Count; i++) shadow[i].copy_(averaged[i]);
    }

    public void Save(string path) => SafeTensorsWriter.Write(path, shadow.Select((t, i) => new KeyValuePair<string, Tensor>($"ema.{i}", t)));

    public void Load(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        if (file.Entries.Count != shadow.Count)
            throw new InvalidFileException(path, $"holds {file.Entries.Count} averaged tensors, the model has {shadow.Count} trainable ones");
        using var _ = no_grad();
        for (int i = 0; i < shadow.Count; i++)
        {
            using var t = file.Read($"ema.{i}", shadow[i].device);
            if (!t.shape.SequenceEqual(shadow[i].shape))
                throw new InvalidFileException(path, $"ema.{i} has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", shadow[i].shape)}]");
            shadow[i].copy_(t);
        }
    }

    public void Dispose() { foreach (var t in shadow) t.Dispose(); }

    sealed class Restore(Action restore) : IDisposable
    {
        bool done;
        public void Dispose() { if (!done) { done = true; restore(); } }
    }
}
