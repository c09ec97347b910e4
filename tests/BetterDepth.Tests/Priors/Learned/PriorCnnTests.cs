using BetterDepth.Priors.Learned;
using BetterDepth.Tests.Training.Priors;
using BetterDepth.Training;
using BetterDepth.Training.Priors;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Priors.Learned;

[Collection(TorchSeeded.Name)]
public class PriorCnnTests
{
    [Fact]
    public void ForwardKeepsTheSpatialSizeWithOneChannel()
    {
        using var model = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        using var output = model.forward(randn(2, 3, 64, 96));
        Assert.Equal(new long[] { 2, 1, 64, 96 }, output.shape);
        var parameters = model.parameters().Sum(p => p.numel());
        Assert.InRange(parameters, 200_000, 3_000_000);
    }

    [Fact]
    public void RejectsSizesThatDoNotDivideByTheStride()
    {
        using var model = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        Assert.Throws<ArgumentException>(() => model.forward(randn(1, 3, 48, 64)));
        Assert.Throws<ArgumentException>(() => new PriorCnnConfig(16, 96, 48).Validate());
        Assert.Throws<ArgumentException>(() => new PriorCnnConfig(12, 96, 64).Validate());
    }

    [Fact]
    public void DeepenedNetworkComputesExactlyWhatItCameFrom()
    {
        random.manual_seed(3);
        using var shallow = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        using var deeper = shallow.Deepened(2);
        Assert.Equal(new PriorCnnConfig(16, 96, 64, 2), deeper.Config);
        var added = deeper.parameters().Sum(p => p.numel()) - shallow.parameters().Sum(p => p.numel());
        // a block: two 3x3 convolutions without bias and two norms' scale and shift; two of them at 1/32 and 1/16 (8C =
        // 128 channels) and at 1/8 (4C = 64)
        static long Block(long c) => 2 * 9 * c * c + 2 * 2 * c;
        Assert.Equal(2 * (Block(128) + Block(128) + Block(64)), added);
        using var input = randn(2, 3, 64, 96);
        using (no_grad())
        using (var a = shallow.forward(input))
        using (var b = deeper.forward(input))
            Assert.True(a.eq(b).all().item<bool>(), "identity blocks changed the output");
        Assert.Throws<ArgumentException>(() => deeper.Deepened(1));

        // the blocks do compute something once trained: a non-zero output scale changes the prediction
        using (no_grad())
            foreach (var (name, p) in deeper.named_parameters())
                if (name.StartsWith("res") && name.EndsWith("norm2.weight")) p.fill_(0.5);
        using (no_grad())
        using (var a = shallow.forward(input))
        using (var b = deeper.forward(input))
            Assert.False(a.eq(b).all().item<bool>());
    }

    [Fact]
    public void EncoderBlocksDeepenTheEncoderAtOneEighthAndOneSixteenth()
    {
        random.manual_seed(7);
        using var plain = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        using var deep = new PriorCnn(new PriorCnnConfig(16, 96, 64, EncoderBlocks: 2));
        // two blocks after enc3 (4C = 64 channels) and after enc4 (8C = 128)
        static long Block(long c) => 2 * 9 * c * c + 2 * 2 * c;
        Assert.Equal(2 * (Block(64) + Block(128)), deep.parameters().Sum(p => p.numel()) - plain.parameters().Sum(p => p.numel()));
        Assert.Contains(deep.named_parameters(), p => p.name.StartsWith("enc3res.1."));
        Assert.Contains(deep.named_parameters(), p => p.name.StartsWith("enc4res.1."));
        using var output = deep.forward(randn(1, 3, 64, 96));
        Assert.Equal(new long[] { 1, 1, 64, 96 }, output.shape);
        Assert.Throws<ArgumentException>(() => new PriorCnnConfig(EncoderBlocks: -1).Validate());
        Assert.Throws<ArgumentException>(() => new PriorCnnConfig(EncoderBlocks: PriorCnnConfig.MaxResidualBlocks + 1).Validate());
    }

    [Fact]
    public void ReshapedToAnotherWorkingSizeKeepsEveryWeight()
    {
        random.manual_seed(8);
        using var small = new PriorCnn(new PriorCnnConfig(16, 96, 64, 1, EncoderBlocks: 1));
        using (no_grad())
            foreach (var (name, p) in small.named_parameters())
                if (name.EndsWith("norm2.weight")) p.fill_(0.3);  // the blocks compute something
        using var large = small.Reshaped(small.Config with { Width = 192, Height = 128, ResidualBlocks = 2 });
        Assert.Equal(new PriorCnnConfig(16, 192, 128, 2, EncoderBlocks: 1), large.Config);
        using var input = randn(1, 3, 128, 192);
        using (no_grad())
        using (var a = small.forward(input))
        using (var b = large.forward(input))
            Assert.True(a.eq(b).all().item<bool>(), "the working size is the resize before the network, not its weights");
        Assert.Throws<ArgumentException>(() => small.Reshaped(small.Config with { EncoderBlocks = 0 }));
        Assert.Throws<ArgumentException>(() => small.Reshaped(small.Config with { BaseChannels = 24 }));
        Assert.Throws<ArgumentException>(() => large.Reshaped(large.Config with { ResidualBlocks = 1 }));

        // added encoder blocks start as the identity, like the others
        using var deeper = small.Reshaped(small.Config with { EncoderBlocks = 3 });
        using (no_grad())
        using (var a = small.forward(input))
        using (var b = deeper.forward(input))
            Assert.True(a.eq(b).all().item<bool>(), "added encoder blocks changed the output");
    }

    [Fact]
    public void AttentionBlocksStartAsTheIdentityAndRelateDistantPositionsOnceTrained()
    {
        random.manual_seed(4);
        using var plain = new PriorCnn(new PriorCnnConfig(16, 96, 64, 1));
        using var attending = plain.Deepened(1, 1);
        Assert.Equal(new PriorCnnConfig(16, 96, 64, 1, 1), attending.Config);
        // a block: the norm's scale and shift, q, k, v and the output projection with biases, at 1/32 and 1/16 (8C = 128)
        const long c = 128;
        Assert.Equal(2 * (2 * c + 4 * (c * c + c)), attending.parameters().Sum(p => p.numel()) - plain.parameters().Sum(p => p.numel()));
        using var input = randn(1, 3, 64, 96);
        using (no_grad())
        using (var a = plain.forward(input))
        using (var b = attending.forward(input))
            Assert.True(a.eq(b).all().item<bool>(), "new attention blocks changed the output");
        Assert.Throws<ArgumentException>(() => attending.Deepened(1, 0));

        // once the output projection is non-zero the block computes something
        using (no_grad())
            foreach (var (name, p) in attending.named_parameters())
                if (name.Contains(".to_out.")) p.normal_();
        using (no_grad())
        using (var a = plain.forward(input))
        using (var b = attending.forward(input))
            Assert.False(a.eq(b).all().item<bool>());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(PriorCnnConfig.MaxResidualBlocks + 1)]
    public void RejectsResidualBlockCountsOutOfRange(int blocks) =>
        Assert.Throws<ArgumentException>(() => new PriorCnnConfig(16, 96, 64, blocks).Validate());

    [Fact]
    public void OverfitsTwoImages()
    {
        random.manual_seed(0);
        var scenes = new TinyScenes(2, 96, 64);
        using var model = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        using var optimizer = optim.Adam(model.parameters(), lr: 3e-3);
        var samples = new[] { scenes.Get(0), scenes.Get(1) };
        using var input = PriorInput.Batch(samples.Select(s => s.Image).ToList(), 96, 64, CPU);
        using var target = tensor(samples.SelectMany(s => s.Depth.Values.Select(d => d > 0 ? 1 / d : 0)).ToArray(), [2, 1, 64, 96]);
        using var mask = tensor(samples.SelectMany(s => s.Valid).ToArray(), [2, 1, 64, 96]);
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = ScaleShiftInvariantLoss.Compute(model.forward(input), target, mask);
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
            loss.backward();
            optimizer.SafeStep();
        }
        Assert.True(last < 0.5 * first, $"loss should drop well below its start: {first} -> {last}");
    }
}
