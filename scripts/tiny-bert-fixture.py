#!/usr/bin/env python3
"""Regenerates test/fixtures/tiny-bert/: a tiny random BERT model folder and its reference outputs.

Only for regenerating that fixture; Guidebot itself never runs Python. It needs Hugging Face
transformers (with torch), e.g. the environment scripts/reference-embeddings.py describes:

    ~/st-venv/bin/python scripts/tiny-bert-fixture.py

The folder is a complete model folder (config.json, model.safetensors, tokenizer files) small enough to
commit. reference.json holds what transformers' BertModel computes from those weights: last_hidden_state
for a padded batch of token ids (with hidden_act "gelu" and, from the same weights, "gelu_new"), and the
mean-pooled, normalised embeddings of a few texts. test/embed/import.test.ts imports the folder and checks
the ONNX graph against these numbers on every `npm test`.
"""

import json
import shutil
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece
from transformers import BertConfig, BertModel, BertTokenizerFast

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "tiny-bert"

WORDS = (
    "the an is was who what why how does did of to in and or but not "
    "kathy tommy ruth lucy madame emily hailsham norfolk gallery donor carer school novel book "
    "art poem tape song memory loss hope love friend student guardian "
    "read write draw paint run ask tell know think feel"
).split()
PIECES = ["##s", "##ed", "##ing", "##ly", "##er"]
LETTERS = list("abcdefghijklmnopqrstuvwxyz")
PUNCT = list(".,?!'\"-:;()")

TEXTS = [
    "who is ruth?",
    "Tommy draws animals.",
    "What does Norfolk mean in the novel",
    "kathy, ruth and tommy read poems at hailsham!",
    "zebra xylophone",  # word pieces of letters only
]


def sig(value: float, digits: int = 7) -> float:
    return float(f"{value:.{digits}g}")


def main() -> None:
    torch.manual_seed(1234)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PUNCT + LETTERS + ["##" + c for c in LETTERS[:10]] + WORDS + PIECES
    assert len(vocab) == len(set(vocab)), "duplicate vocabulary entries"
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        hidden_act="gelu",
        max_position_embeddings=48,
        type_vocab_size=2,
        layer_norm_eps=1e-12,
        initializer_range=0.3,  # larger than BERT's 0.02, so attention is far from uniform
        pad_token_id=0,
    )
    model = BertModel(config, add_pooling_layer=True).eval()
    with torch.no_grad():
        # Random LayerNorm parameters and biases too, so a graph that ignores any of them fails the test.
        for name, param in model.named_parameters():
            if "LayerNorm.weight" in name:
                param.copy_(1 + 0.2 * torch.randn_like(param))
            elif name.endswith("bias"):
                param.copy_(0.1 * torch.randn_like(param))

    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    model.save_pretrained(OUT, safe_serialization=True)
    backend = Tokenizer(WordPiece({token: i for i, token in enumerate(vocab)}, unk_token="[UNK]"))
    backend.normalizer = normalizers.BertNormalizer(lowercase=True)
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    backend.decoder = decoders.WordPiece()
    tokenizer = BertTokenizerFast(
        tokenizer_object=backend, do_lower_case=True, model_max_length=48,
        unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
    )
    tokenizer.save_pretrained(OUT)
    (OUT / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")

    # A padded batch with both token types and a fully used row.
    ids = [
        [2, 20, 30, 40, 50, 3, 0, 0, 0, 0],
        [2, 11, 12, 13, 3, 60, 61, 62, 63, 3],
        [2, 70, 3, 0, 0, 0, 0, 0, 0, 0],
    ]
    mask = [[1 if token != 0 else 0 for token in row] for row in ids]
    types = [[0] * 10, [0] * 5 + [1] * 5, [0] * 10]
    batch = {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask), "token_type_ids": torch.tensor(types)}
    outputs = {}
    for act in ("gelu", "gelu_new"):
        model.config.hidden_act = act
        variant = BertModel(model.config, add_pooling_layer=True).eval()
        variant.load_state_dict(model.state_dict())
        with torch.no_grad():
            hidden = variant(**batch).last_hidden_state
        outputs[act] = [[[sig(float(x)) for x in token] for token in row] for row in hidden.tolist()]
    model.config.hidden_act = "gelu"
    with torch.no_grad():
        encoded = tokenizer(TEXTS, padding=True, truncation=True, return_tensors="pt")
        hidden = model(**encoded).last_hidden_state
        weights = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
    reference = {
        "description": "Outputs of transformers BertModel for the weights in this folder; regenerate with scripts/tiny-bert-fixture.py",
        "input_ids": ids,
        "attention_mask": mask,
        "token_type_ids": types,
        "last_hidden_state": outputs,
        "texts": [
            {"text": text, "input_ids": encoded["input_ids"][i][encoded["attention_mask"][i] == 1].tolist(), "embedding": [sig(float(x)) for x in pooled[i]]}
            for i, text in enumerate(TEXTS)
        ],
    }
    (OUT / "reference.json").write_text(json.dumps(reference) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(vocab)} tokens)")
    for path in sorted(OUT.iterdir()):
        print(f"  {path.name:28} {path.stat().st_size:8} bytes")


if __name__ == "__main__":
    main()
