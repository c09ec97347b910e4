using System.Text;

namespace BetterDepth.Tests.Priors;

/// <summary>
/// Writes tiny ONNX models for tests with a hand-made protobuf encoder (onnx.proto field numbers:
/// ModelProto ir_version=1 graph=7 opset_import=8; GraphProto node=1 name=2 initializer=5 input=11 output=12;
/// NodeProto input=1 output=2 name=3 op_type=4 attribute=5; AttributeProto name=1 f=2 i=3 ints=8 type=20;
/// TensorProto dims=1 data_type=2 float_data=4 name=8; ValueInfoProto name=1 type=2; TypeProto tensor_type=1;
/// TypeProto.Tensor elem_type=1 shape=2; TensorShapeProto dim=1; Dimension dim_value=1 dim_param=2).
/// </summary>
public static class OnnxModelBuilder
{
    public const int Float = 1;

    /// <summary>A graph input/output: dims are ints (fixed) or strings (named dynamic axes).</summary>
    public sealed record Value(string Name, params object[] Dims);

    public sealed record Attr(string Name, long? Int = null, long[]? Ints = null, float? FloatValue = null);

    public sealed record Node(string OpType, string[] Inputs, string[] Outputs, params Attr[] Attributes);

    public sealed record Initializer(string Name, long[] Dims, float[] Data);

    public static byte[] Model(IEnumerable<Node> nodes, IEnumerable<Value> inputs, IEnumerable<Value> outputs,
                               IEnumerable<Initializer>? initializers = null, int opset = 13)
    {
        var graph = new Proto();
        foreach (var n in nodes) graph.Message(1, NodeProto(n));
        graph.String(2, "test_graph");
        foreach (var t in initializers ?? []) graph.Message(5, TensorProto(t));
        foreach (var v in inputs) graph.Message(11, ValueInfo(v));
        foreach (var v in outputs) graph.Message(12, ValueInfo(v));

        var opsetId = new Proto();
        opsetId.String(1, "");
        opsetId.Varint(2, opset);

        var model = new Proto();
        model.Varint(1, 8); // IR version 8 (ONNX 1.10+), accepted by every recent runtime
        model.String(2, "BetterDepth.Tests");
        model.Message(7, graph);
        model.Message(8, opsetId);
        return model.ToArray();
    }

    public static string Save(string folder, string fileName, byte[] model)
    {
        var path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, model);
        return path;
    }

    static Proto NodeProto(Node n)
    {
        var p = new Proto();
        foreach (var i in n.Inputs) p.String(1, i);
        foreach (var o in n.Outputs) p.String(2, o);
        p.String(3, n.OpType + "_node");
        p.String(4, n.OpType);
        foreach (var a in n.Attributes)
        {
            var ap = new Proto();
            ap.String(1, a.Name);
            if (a.FloatValue is { } f) { ap.Fixed32(2, f); ap.Varint(20, 1); }
            else if (a.Int is { } i) { ap.Varint(3, i); ap.Varint(20, 2); }
            else if (a.Ints is { } ints) { foreach (var v in ints) ap.Varint(8, v); ap.Varint(20, 7); }
            p.Message(5, ap);
        }
        return p;
    }

    static Proto TensorProto(Initializer t)
    {
        var p = new Proto();
        foreach (var d in t.Dims) p.Varint(1, d);
        p.Varint(2, Float);
        var packed = new Proto();
        foreach (var v in t.Data) packed.RawFloat(v);
        p.Bytes(4, packed.ToArray());
        p.String(8, t.Name);
        return p;
    }

    static Proto ValueInfo(Value v)
    {
        var shape = new Proto();
        foreach (var d in v.Dims)
        {
            var dim = new Proto();
            if (d is string param) dim.String(2, param);
            else dim.Varint(1, Convert.ToInt64(d));
            shape.Message(1, dim);
        }
        var tensor = new Proto();
        tensor.Varint(1, Float);
        tensor.Message(2, shape);
        var type = new Proto();
        type.Message(1, tensor);
        var info = new Proto();
        info.String(1, v.Name);
        info.Message(2, type);
        return info;
    }

    /// <summary>Protobuf wire format: tag = field &lt;&lt; 3 | wire type; 0 varint, 2 length-delimited, 5 fixed 32-bit.</summary>
    sealed class Proto
    {
        readonly MemoryStream buffer = new();

        public void Varint(int field, long value) { Tag(field, 0); RawVarint((ulong)value); }
        public void Fixed32(int field, float value) { Tag(field, 5); RawFloat(value); }
        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public void Message(int field, Proto message) => Bytes(field, message.ToArray());

        public void Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            RawVarint((ulong)value.Length);
            buffer.Write(value);
        }

        public void RawFloat(float value) => buffer.Write(BitConverter.GetBytes(value)); // little-endian on every .NET target here

        public byte[] ToArray() => buffer.ToArray();

        void Tag(int field, int wireType) => RawVarint((ulong)(field << 3 | wireType));

        void RawVarint(ulong v)
        {
            while (v >= 0x80) { buffer.WriteByte((byte)(v | 0x80)); v >>= 7; }
            buffer.WriteByte((byte)v);
        }
    }
}
