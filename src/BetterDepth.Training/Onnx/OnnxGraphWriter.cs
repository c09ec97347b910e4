using System.Runtime.InteropServices;

namespace BetterDepth.Training.Onnx;

/// <summary>
/// Encodes an ONNX model (one graph, default domain) without the onnx package: a hand-made protobuf encoder
/// over onnx.proto's field numbers. ModelProto ir_version=1 producer_name=2 graph=7 opset_import=8;
/// OperatorSetIdProto domain=1 version=2; GraphProto node=1 name=2 initializer=5 input=11 output=12;
/// NodeProto input=1 output=2 name=3 op_type=4 attribute=5; AttributeProto name=1 f=2 i=3 s=4 ints=8 type=20
/// (FLOAT=1, INT=2, STRING=3, INTS=7); TensorProto dims=1 data_type=2 name=8 raw_data=9 (FLOAT=1, INT64=7);
/// ValueInfoProto name=1 type=2; TypeProto tensor_type=1; TypeProto.Tensor elem_type=1 shape=2;
/// TensorShapeProto dim=1; Dimension dim_value=1 dim_param=2.
/// </summary>
internal static class OnnxGraphWriter
{
    /// <summary>TensorProto.DataType values used here.</summary>
    public const int Float = 1, Int64 = 7;

    /// <summary>A graph input/output: dims are ints (fixed) or strings (named dynamic axes).</summary>
    public sealed record Value(string Name, params object[] Dims)
    {
        public int ElemType { get; init; } = Float;
    }

    /// <summary>A node attribute; set exactly one of the values.</summary>
    public sealed record Attr(string Name, long? Int = null, long[]? Ints = null, float? FloatValue = null, string? Text = null);

    public sealed record Node(string OpType, string[] Inputs, string[] Outputs, params Attr[] Attributes)
    {
        /// <summary>Unique node name; null = derived from the op type and position.</summary>
        public string? Name { get; init; }
    }

    /// <summary>A constant tensor: float <paramref name="Data"/> or int64 <paramref name="Int64Data"/>, as many values as the dims hold.</summary>
    public sealed record Initializer(string Name, long[] Dims, float[]? Data = null, long[]? Int64Data = null);

    public static byte[] Model(IEnumerable<Node> nodes, IEnumerable<Value> inputs, IEnumerable<Value> outputs,
                               IEnumerable<Initializer>? initializers = null, int opset = 13,
                               string graphName = "graph", string producer = "BetterDepth")
    {
        var graph = new ProtoWriter();
        int index = 0;
        foreach (var n in nodes) graph.Message(1, NodeProto(n, index++));
        graph.String(2, graphName);
        foreach (var t in initializers ?? []) graph.Message(5, TensorProto(t));
        foreach (var v in inputs) graph.Message(11, ValueInfo(v));
        foreach (var v in outputs) graph.Message(12, ValueInfo(v));

        var opsetId = new ProtoWriter();
        opsetId.String(1, "");
        opsetId.Varint(2, opset);

        var model = new ProtoWriter();
        model.Varint(1, 8); // IR version 8 (ONNX 1.10+), accepted by every recent runtime
        model.String(2, producer);
        model.Message(7, graph);
        model.Message(8, opsetId);
        return model.ToArray();
    }

    static ProtoWriter NodeProto(Node n, int index)
    {
        var p = new ProtoWriter();
        foreach (var i in n.Inputs) p.String(1, i);
        foreach (var o in n.Outputs) p.String(2, o);
        p.String(3, n.Name ?? $"{n.OpType}_{index}");
        p.String(4, n.OpType);
        foreach (var a in n.Attributes) p.Message(5, AttributeProto(a));
        return p;
    }

    static ProtoWriter AttributeProto(Attr a)
    {
        int set = (a.Int is null ? 0 : 1) + (a.Ints is null ? 0 : 1) + (a.FloatValue is null ? 0 : 1) + (a.Text is null ? 0 : 1);
        if (set != 1) throw new ArgumentException($"attribute '{a.Name}' needs exactly one value, has {set}");
        var p = new ProtoWriter();
        p.String(1, a.Name);
        if (a.FloatValue is { } f) { p.Fixed32(2, f); p.Varint(20, 1); }
        else if (a.Int is { } i) { p.Varint(3, i); p.Varint(20, 2); }
        else if (a.Text is { } s) { p.String(4, s); p.Varint(20, 3); }
        else { foreach (var v in a.Ints!) p.Varint(8, v); p.Varint(20, 7); }
        return p;
    }

    static ProtoWriter TensorProto(Initializer t)
    {
        long count = t.Dims.Aggregate(1L, (a, d) => a * d);
        var (type, length, raw) = (t.Data, t.Int64Data) switch
        {
            ({ } floats, null) => (Float, floats.LongLength, MemoryMarshal.AsBytes(floats.AsSpan()).ToArray()),
            (null, { } longs) => (Int64, longs.LongLength, MemoryMarshal.AsBytes(longs.AsSpan()).ToArray()),
            _ => throw new ArgumentException($"initializer '{t.Name}' needs exactly one of float or int64 data"),
        };
        if (length != count)
            throw new ArgumentException($"initializer '{t.Name}' has {length} values, its dims [{string.Join(", ", t.Dims)}] hold {count}");
        var p = new ProtoWriter();
        foreach (var d in t.Dims) p.Varint(1, d);
        p.Varint(2, type);
        p.String(8, t.Name);
        p.Bytes(9, raw); // raw_data: little-endian values, the compact form for large weights
        return p;
    }

    static ProtoWriter ValueInfo(Value v)
    {
        var shape = new ProtoWriter();
        foreach (var d in v.Dims)
        {
            var dim = new ProtoWriter();
            if (d is string param) dim.String(2, param);
            else dim.Varint(1, Convert.ToInt64(d));
            shape.Message(1, dim);
        }
        var tensor = new ProtoWriter();
        tensor.Varint(1, v.ElemType);
        tensor.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensor);
        var info = new ProtoWriter();
        info.String(1, v.Name);
        info.Message(2, type);
        return info;
    }
}
