using static BetterDepth.Training.Onnx.OnnxGraphWriter;

namespace BetterDepth.Training.Onnx;

/// <summary>Collects nodes and initializers in order, naming each node's output after the node so names never clash.</summary>
internal sealed class OnnxGraphBuilder
{
    readonly List<Node> nodes = [];
    readonly List<Initializer> initializers = [];
    readonly HashSet<string> names = new(StringComparer.Ordinal);

    public IReadOnlyList<Node> Nodes => nodes;
    public IReadOnlyList<Initializer> Initializers => initializers;

    /// <summary>Adds a node with one output named <paramref name="name"/> and returns that name.</summary>
    public string Add(string name, string opType, string[] inputs, params Attr[] attributes)
    {
        Claim(name);
        nodes.Add(new Node(opType, inputs, [name], attributes) { Name = name });
        return name;
    }

    public string Constant(string name, long[] dims, float[] data) => Constant(new Initializer(name, dims, data)).Name;

    public string Constant(string name, long[] dims, long[] data) => Constant(new Initializer(name, dims, Int64Data: data)).Name;

    public Initializer Constant(Initializer initializer)
    {
        Claim(initializer.Name);
        initializers.Add(initializer);
        return initializer;
    }

    void Claim(string name)
    {
        if (!names.Add(name)) throw new InvalidOperationException($"ONNX graph: the name '{name}' is used twice");
    }
}
